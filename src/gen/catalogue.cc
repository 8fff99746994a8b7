#include "gen/catalogue.h"

#include <cmath>

#include "gen/json_text.h"
#include "gen/vocabulary.h"

namespace sparkify::gen {
namespace {

// Shares of the quirks, chosen to resemble the MSD subset; a few are rarer than
// in real life but always present in a catalogue of a few thousand songs.
constexpr double kNumericArtistShare = 0.004;  // "artist_name": 2002
constexpr double kArtistVariantShare = 0.3;    // artists credited in more than one way
constexpr double kVariantCreditShare = 0.25;   // songs that use a non-canonical credit
constexpr double kNumericTitleShare = 0.004;   // "title": 66
constexpr double kNullTitleShare = 0.002;
constexpr double kReissueShare = 0.002;     // a second track file for an existing song_id
constexpr double kUnknownYearShare = 0.5;   // year 0
constexpr double kOmitNullKeyShare = 0.03;  // key absent instead of null/""
constexpr int kIdHexBits = 44;              // 11 hex digits
constexpr int kLettersPerFolderLevel = 26;
constexpr int kFolderCount =
    kLettersPerFolderLevel * kLettersPerFolderLevel * kLettersPerFolderLevel;
constexpr uint64_t kTrackSalt = 0x5A17;
constexpr uint64_t kSongSalt = 0x50C0;
constexpr uint64_t kArtistSalt = 0xA127;

char Letter(Rng& rng) { return static_cast<char>('A' + rng.Below(26)); }
char Alnum(Rng& rng) {
  uint64_t k = rng.Below(36);
  return static_cast<char>(k < 10 ? '0' + k : 'A' + (k - 10));
}
void AppendHex(std::string& out, uint64_t value, int digits) {
  static constexpr char kUpperHex[] = "0123456789ABCDEF";
  for (int k = digits - 1; k >= 0; --k) out.push_back(kUpperHex[(value >> (4 * k)) & 0xF]);
}

int64_t ToE5(double degrees) { return static_cast<int64_t>(std::llround(degrees * 100000.0)); }

ArtistCredit MakeCanonicalCredit(Rng& rng) {
  ArtistCredit c;
  if (rng.Chance(kNumericArtistShare)) {
    c.name = std::to_string(rng.Chance(0.5) ? rng.Between(1960, 2015) : rng.Between(1, 999));
    c.name_is_number = true;
  } else {
    c.name = MakeArtistName(rng);
  }
  if (rng.Chance(0.5)) {
    c.location_null = rng.Chance(0.1);
    c.has_coordinates = rng.Chance(0.05);
    if (c.has_coordinates) {
      c.latitude_e5 = rng.Between(-60 * 100000, 70 * 100000);
      c.longitude_e5 = rng.Between(-180 * 100000, 180 * 100000);
    }
  } else {
    const Place& place = PickArtistPlace(rng);
    c.location = place.name;
    c.has_coordinates = rng.Chance(0.55);
    if (c.has_coordinates) {
      c.latitude_e5 = ToE5(place.latitude);
      c.longitude_e5 = ToE5(place.longitude);
    }
  }
  return c;
}

ArtistCredit MakeVariant(Rng& rng, const ArtistCredit& base) {
  ArtistCredit v = base;
  switch (rng.Below(3)) {
    case 0:
      if (!base.name_is_number) {
        v.name = MakeNameVariant(rng, base.name);
        break;
      }
      [[fallthrough]];
    case 1:
      if (base.location.empty()) {
        v.location = PickArtistPlace(rng).name;
        v.location_null = false;
      } else {
        v.location.clear();
      }
      break;
    default:
      v.has_coordinates = !base.has_coordinates;
      if (v.has_coordinates) {
        const Place& place = PickArtistPlace(rng);
        v.latitude_e5 = ToE5(place.latitude);
        v.longitude_e5 = ToE5(place.longitude);
      }
      break;
  }
  return v;
}

std::string MakeTrackId(Rng& rng, uint64_t index, uint64_t folder, uint64_t seed) {
  std::string id = "TR";
  folder %= kFolderCount;
  id.push_back(static_cast<char>('A' + folder / (26 * 26)));
  id.push_back(static_cast<char>('A' + (folder / 26) % 26));
  id.push_back(static_cast<char>('A' + folder % 26));
  id.push_back(Letter(rng));
  id.push_back(Letter(rng));
  AppendHex(id, ScrambleIndex(index, seed ^ kTrackSalt, kIdHexBits), 11);
  return id;
}

}  // namespace

Catalogue BuildCatalogue(const CatalogueOptions& options) {
  Catalogue cat;
  const int64_t n = options.songs;
  const int64_t num_artists = n <= 0 ? 0 : std::max<int64_t>(1, n * 2 / 5);
  cat.artists.resize(num_artists);
  for (int64_t a = 0; a < num_artists; ++a) {
    Rng rng = Rng::For(options.seed, Stream::kArtist, a);
    Artist& artist = cat.artists[a];
    artist.id = "AR";
    for (int k = 0; k < 5; ++k) artist.id.push_back(Alnum(rng));
    AppendHex(artist.id, ScrambleIndex(a, options.seed ^ kArtistSalt, kIdHexBits), 11);
    artist.credits.push_back(MakeCanonicalCredit(rng));
    if (rng.Chance(kArtistVariantShare)) {
      int variants = static_cast<int>(rng.Between(1, 2));
      for (int v = 0; v < variants; ++v) {
        artist.credits.push_back(MakeVariant(rng, artist.credits[0]));
      }
    }
  }

  const int per_dir = std::max(1, options.song_files_per_dir);
  cat.songs.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    Rng rng = Rng::For(options.seed, Stream::kSong, i);
    Song& song = cat.songs[i];
    std::string track_id = MakeTrackId(rng, i, i / per_dir, options.seed);
    if (i > 0 && rng.Chance(kReissueShare)) {
      song = cat.songs[rng.Below(i)];
      song.track_id = std::move(track_id);
      song.is_reissue = true;
      continue;
    }
    ++cat.distinct_song_ids;
    song.track_id = std::move(track_id);
    song.song_id = "SO";
    for (int k = 0; k < 5; ++k) song.song_id.push_back(Letter(rng));
    AppendHex(song.song_id, ScrambleIndex(i, options.seed ^ kSongSalt, kIdHexBits), 11);
    song.artist =
        static_cast<uint32_t>(rng.Chance(0.5) ? rng.Below(num_artists) : rng.Skewed(num_artists));
    const Artist& artist = cat.artists[song.artist];
    if (artist.credits.size() > 1 && rng.Chance(kVariantCreditShare)) {
      song.credit = static_cast<uint16_t>(rng.Between(1, artist.credits.size() - 1));
    }
    if (rng.Chance(kNumericTitleShare)) {
      song.title_kind = TitleKind::kNumber;
      song.title = rng.Chance(0.7) ? std::to_string(rng.Between(1, 2020))
                                   : std::to_string(rng.Between(1, 9)) + "." +
                                         std::to_string(rng.Between(1, 9));
    } else if (rng.Chance(kNullTitleShare)) {
      song.title_kind = TitleKind::kNull;
    } else {
      song.title = MakeSongTitle(rng);
    }
    // Two uniforms: a hump around four minutes, between half a minute and ten.
    song.duration_e5 =
        (30 + rng.Between(0, 285) + rng.Between(0, 285)) * 100000 + rng.Between(0, 99999);
    song.year = rng.Chance(kUnknownYearShare) ? 0 : static_cast<int32_t>(rng.Between(1955, 2010));
    const ArtistCredit& credit = cat.artists[song.artist].credits[song.credit];
    song.omit_coordinate_keys = !credit.has_coordinates && rng.Chance(kOmitNullKeyShare);
    song.omit_location_key = credit.location.empty() && rng.Chance(kOmitNullKeyShare);
  }
  return cat;
}

void AppendSongJson(std::string& out, const Catalogue& catalogue, const Song& song) {
  const Artist& artist = catalogue.artists[song.artist];
  const ArtistCredit& credit = artist.credits[song.credit];
  constexpr JsonStyle kStyle = JsonStyle::kPython;
  out += "{\"num_songs\": 1, \"artist_id\": ";
  AppendJsonString(out, artist.id, kStyle);
  if (!song.omit_coordinate_keys) {
    out += ", \"artist_latitude\": ";
    if (credit.has_coordinates) {
      AppendFixed5(out, credit.latitude_e5);
    } else {
      out += "null";
    }
    out += ", \"artist_longitude\": ";
    if (credit.has_coordinates) {
      AppendFixed5(out, credit.longitude_e5);
    } else {
      out += "null";
    }
  }
  if (!song.omit_location_key) {
    out += ", \"artist_location\": ";
    if (credit.location.empty() && credit.location_null) {
      out += "null";
    } else {
      AppendJsonString(out, credit.location, kStyle);
    }
  }
  out += ", \"artist_name\": ";
  if (credit.name_is_number) {
    out += credit.name;
  } else {
    AppendJsonString(out, credit.name, kStyle);
  }
  out += ", \"song_id\": ";
  AppendJsonString(out, song.song_id, kStyle);
  out += ", \"title\": ";
  switch (song.title_kind) {
    case TitleKind::kText:
      AppendJsonString(out, song.title, kStyle);
      break;
    case TitleKind::kNumber:
      out += song.title;
      break;
    case TitleKind::kNull:
      out += "null";
      break;
  }
  out += ", \"duration\": ";
  AppendFixed5(out, song.duration_e5);
  out += ", \"year\": ";
  AppendInt(out, song.year);
  out += "}";
}

std::string SongFilePath(const Song& song) {
  std::string path;
  path.reserve(32);
  path.push_back(song.track_id[2]);
  path.push_back('/');
  path.push_back(song.track_id[3]);
  path.push_back('/');
  path.push_back(song.track_id[4]);
  path.push_back('/');
  path += song.track_id;
  path += ".json";
  return path;
}

}  // namespace sparkify::gen

// The song catalogue: Million-Song-Dataset-like song records and the artists
// they credit, built in memory from the seed, then written one file per track
// under song_data/A/B/C/. The activity logs draw their matched plays from it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gen/rng.h"

namespace sparkify::gen {

// One way an artist is credited on a song; variant 0 is the canonical one.
struct ArtistCredit {
  std::string name;
  bool name_is_number = false;  // written as a JSON number: "artist_name": 2002
  std::string location;         // "" when unknown
  bool location_null = false;   // unknown written as null instead of ""
  bool has_coordinates = false;
  int64_t latitude_e5 = 0;  // degrees * 10^5
  int64_t longitude_e5 = 0;
};

struct Artist {
  std::string id;                     // "AR" + 16 characters
  std::vector<ArtistCredit> credits;  // [0] canonical, then spelling/location variants
};

enum class TitleKind : uint8_t {
  kText,    // "title": "Soul Deep"
  kNumber,  // "title": 66 — the text is the number's source text
  kNull,    // "title": null
};

struct Song {
  std::string track_id;  // file name stem, "TRAAAAW128F429D538"; decides the A/B/C folder
  std::string song_id;   // "SO" + 16 characters; a re-issued track repeats an earlier one
  uint32_t artist = 0;   // index into Catalogue::artists
  uint16_t credit = 0;   // index into Artist::credits
  TitleKind title_kind = TitleKind::kText;
  std::string title;                  // UTF-8, or the number's text for kNumber
  int64_t duration_e5 = 0;            // seconds * 10^5
  int32_t year = 0;                   // 0 = unknown, as in the MSD
  bool omit_coordinate_keys = false;  // keys absent instead of null
  bool omit_location_key = false;
  bool is_reissue = false;  // same song_id and content as an earlier song
};

struct CatalogueOptions {
  uint64_t seed = 1;
  int64_t songs = 1000;
  int song_files_per_dir = 12;  // files per leaf folder A/B/C, as the MSD subset roughly has
};

struct Catalogue {
  std::vector<Artist> artists;
  std::vector<Song> songs;  // in file order
  int64_t distinct_song_ids = 0;

  const ArtistCredit& CreditOf(const Song& s) const { return artists[s.artist].credits[s.credit]; }
};

Catalogue BuildCatalogue(const CatalogueOptions& options);

// The file's JSON object, as Python's json.dumps writes it (no trailing newline).
void AppendSongJson(std::string& out, const Catalogue& catalogue, const Song& song);

// "A/B/C/TRABCXXXX.json", relative to song_data/.
std::string SongFilePath(const Song& song);

}  // namespace sparkify::gen

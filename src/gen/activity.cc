#include "gen/activity.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "gen/json_text.h"
#include "gen/vocabulary.h"

namespace sparkify::gen {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
constexpr int64_t kFirstDayMs = 1'541'030'400'000;  // 2018-11-01T00:00:00Z, as the real logs
constexpr int64_t kEventsPerUser = 100;             // the sample has ~80 records per user
constexpr int64_t kMinUsers = 10;
constexpr int64_t kMinWorldSongs = 1000;
constexpr int64_t kMaxWorldSongs = 300'000;
constexpr size_t kFlushBytes = 8 << 20;  // hand the sink 8 MiB at a time
constexpr int kMaxSessionLength = 400;

// Shares of the log quirks. The sample has them at about these rates.
constexpr double kFemaleShare = 0.65;
constexpr double kInitiallyPaidShare = 0.4;
constexpr double kUpgradeShare = 0.15;  // free users who become paid during the period
constexpr double kDowngradeShare = 0.05;
constexpr double kLoggedOutStartShare = 0.06;      // sessions that start logged out, then Login
constexpr double kProperTextShare = 0.1;           // non-ASCII text that was not double-encoded
constexpr double kNumericWorldTitleShare = 0.005;  // songs called "1999"
constexpr double kNumberTitleShare = 0.3;          // numeric titles written as JSON numbers
constexpr double kNumericUserIdShare = 0.003;      // "userId":53 instead of "53"
constexpr double kOmitNullKeysShare = 0.02;        // null fields left out entirely
constexpr double kEmptyNotNullShare = 0.03;        // "" instead of null when logged out
constexpr double kLengthJitterShare = 0.2;         // matched plays whose length differs by < 0.01 s
constexpr int64_t kMaxJitterE5 = 900;              // 0.009 s
constexpr double kNoTrailingNewlineShare = 0.7;

enum Page : uint8_t {
  kNextSong,
  kHome,
  kLogin,
  kLogout,
  kDowngrade,
  kSettings,
  kHelp,
  kAbout,
  kUpgrade,
  kSaveSettings,
  kError,
  kSubmitUpgrade,
  kSubmitDowngrade,
  kPageCount
};

struct PageInfo {
  std::string_view method_and_page;  // both fields, ready to copy
  std::string_view status;
  int logged_in_weight;  // per ~10,000 logged-in events, from the sample
};

constexpr std::array<PageInfo, kPageCount> kPages = {{
    {"\"method\":\"PUT\",\"page\":\"NextSong\",", "\"status\":200,", 8780},
    {"\"method\":\"GET\",\"page\":\"Home\",", "\"status\":200,", 817},
    {"\"method\":\"PUT\",\"page\":\"Login\",", "\"status\":307,", 0},
    {"\"method\":\"PUT\",\"page\":\"Logout\",", "\"status\":307,", 116},
    {"\"method\":\"GET\",\"page\":\"Downgrade\",", "\"status\":200,", 77},
    {"\"method\":\"GET\",\"page\":\"Settings\",", "\"status\":200,", 72},
    {"\"method\":\"GET\",\"page\":\"Help\",", "\"status\":200,", 49},
    {"\"method\":\"GET\",\"page\":\"About\",", "\"status\":200,", 28},
    {"\"method\":\"GET\",\"page\":\"Upgrade\",", "\"status\":200,", 27},
    {"\"method\":\"PUT\",\"page\":\"Save Settings\",", "\"status\":307,", 13},
    {"\"method\":\"GET\",\"page\":\"Error\",", "\"status\":404,", 12},
    {"\"method\":\"PUT\",\"page\":\"Submit Upgrade\",", "\"status\":307,", 10},
    {"\"method\":\"PUT\",\"page\":\"Submit Downgrade\",", "\"status\":307,", 2},
}};

enum EventFlag : uint8_t {
  kLoggedOut = 1,
  kFromCatalogue = 2,
  kProperText = 4,
  kTitleAsNumber = 8,
  kOmitNullKeys = 16,
  kEmptyNotNull = 32,
  kNumericUserId = 64,
};

struct Event {
  int64_t ts;
  int64_t session;
  int64_t length_e5;
  int32_t item;
  int32_t user;
  int32_t song;  // index into world_songs or catalogue_songs; -1 for no song
  uint8_t page;
  uint8_t flags;
};

Page PickLoggedInPage(Rng& rng) {
  static const int total = [] {
    int t = 0;
    for (const PageInfo& p : kPages) t += p.logged_in_weight;
    return t;
  }();
  int r = static_cast<int>(rng.Below(total));
  for (int p = 0; p < kPageCount; ++p) {
    r -= kPages[p].logged_in_weight;
    if (r < 0) return static_cast<Page>(p);
  }
  return kNextSong;
}

Page PickLoggedOutPage(Rng& rng) {
  uint64_t r = rng.Below(100);
  return r < 88 ? kHome : r < 95 ? kAbout : kHelp;
}

std::string Fragment(std::string_view key, std::string_view text) {
  std::string out = "\"";
  out += key;
  out += "\":";
  AppendJsonString(out, text, JsonStyle::kJava);
  return out;
}

PlayedSong MakePlayedSong(std::string_view artist, std::string_view title, int64_t length_e5) {
  PlayedSong s;
  AppendJsonString(s.artist_proper, artist, JsonStyle::kJava);
  AppendJsonString(s.title_proper, title, JsonStyle::kJava);
  if (IsAscii(artist)) {
    s.artist_double = s.artist_proper;
  } else {
    AppendJsonString(s.artist_double, DoubleEncode(artist), JsonStyle::kJava);
  }
  if (IsAscii(title)) {
    s.title_double = s.title_proper;
  } else {
    AppendJsonString(s.title_double, DoubleEncode(title), JsonStyle::kJava);
  }
  s.length_e5 = length_e5;
  return s;
}

// Howard Hinnant's days-to-civil conversion (public domain algorithm).
void CivilFromDays(int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2));
}

std::string DateText(int64_t ms) {
  int y, m, d;
  CivilFromDays(ms / kMsPerDay, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
  return buf;
}

// `"key":null,` / `"key":"",` / nothing, as the event's quirk flags say.
void AppendMissingText(std::string& out, std::string_view key, uint8_t flags) {
  if (flags & kOmitNullKeys) return;
  out += '"';
  out += key;
  out += (flags & kEmptyNotNull) ? "\":\"\"," : "\":null,";
}
void AppendMissingValue(std::string& out, std::string_view key, uint8_t flags) {
  if (flags & kOmitNullKeys) return;
  out += '"';
  out += key;
  out += "\":null,";
}

void AppendEvent(std::string& out, const ActivityModel& model, const Event& e,
                 const BadLineKind* bad) {
  const User& user = model.users[e.user];
  const bool logged_out = e.flags & kLoggedOut;
  const PlayedSong* song = nullptr;
  if (e.song >= 0) {
    song = (e.flags & kFromCatalogue) ? &model.catalogue_songs[e.song] : &model.world_songs[e.song];
  }
  const bool proper = e.flags & kProperText;
  out += '{';
  if (song) {
    out += "\"artist\":";
    out += proper ? song->artist_proper : song->artist_double;
    out += ',';
  } else {
    AppendMissingValue(out, "artist", e.flags);
  }
  out += logged_out ? "\"auth\":\"Logged Out\"," : "\"auth\":\"Logged In\",";
  if (logged_out) {
    AppendMissingText(out, "firstName", e.flags);
    AppendMissingText(out, "gender", e.flags);
  } else {
    out += user.first_and_gender;
    out += ',';
  }
  out += "\"itemInSession\":";
  AppendInt(out, e.item);
  out += ',';
  if (logged_out) {
    AppendMissingText(out, "lastName", e.flags);
  } else {
    out += user.last_name;
    out += ',';
  }
  if (song) {
    out += "\"length\":";
    AppendFixed5(out, e.length_e5);
    out += ',';
  } else {
    AppendMissingValue(out, "length", e.flags);
  }
  out += (!logged_out && user.PaidAt(e.ts)) ? "\"level\":\"paid\"," : "\"level\":\"free\",";
  if (logged_out) {
    AppendMissingText(out, "location", e.flags);
  } else {
    out += user.location;
    out += ',';
  }
  out += kPages[e.page].method_and_page;
  if (logged_out) {
    AppendMissingValue(out, "registration", e.flags);
  } else {
    out += user.registration;
    out += ',';
  }
  out += "\"sessionId\":";
  AppendInt(out, e.session);
  out += ',';
  if (song) {
    out += "\"song\":";
    if (e.flags & kTitleAsNumber) {
      out += song->title_number;
    } else {
      out += proper ? song->title_proper : song->title_double;
    }
    out += ',';
  } else {
    AppendMissingValue(out, "song", e.flags);
  }
  out += kPages[e.page].status;
  if (bad && *bad == BadLineKind::kTsNotInteger) {
    out += "\"ts\":\"";
    out += DateText(e.ts);
    out += "\",";
  } else {
    out += "\"ts\":";
    AppendInt(out, e.ts);
    out += ',';
  }
  if (logged_out) {
    AppendMissingText(out, "userAgent", e.flags);
  } else {
    out += user.user_agent;
    out += ',';
  }
  if (bad && *bad == BadLineKind::kNonNumericUserId) {
    out += "\"userId\":\"guest\",";
  } else if (bad && *bad == BadLineKind::kNextSongNoUserId) {
    // left out on purpose
  } else if (logged_out) {
    out += "\"userId\":\"\",";
  } else {
    out += (e.flags & kNumericUserId) ? user.user_id_number : user.user_id;
    out += ',';
  }
  out.back() = '}';
}

}  // namespace

std::string DayFilePath(int64_t day_start_ms) {
  std::string date = DateText(day_start_ms);
  return date.substr(0, 4) + "/" + date.substr(5, 2) + "/" + date + "-events.json";
}

ActivityModel BuildActivityModel(const ActivityOptions& options, const Catalogue& catalogue) {
  ActivityModel model;
  model.options = options;
  const int days = std::max(1, options.days);
  const int64_t period_ms = days * kMsPerDay;

  const int64_t num_users = std::max(kMinUsers, options.events / kEventsPerUser);
  model.users.resize(num_users);
  for (int64_t i = 0; i < num_users; ++i) {
    Rng rng = Rng::For(options.seed, Stream::kUser, i);
    User& u = model.users[i];
    bool female = rng.Chance(kFemaleShare);
    u.first_and_gender = Fragment("firstName", PickFirstName(rng, female)) + "," +
                         Fragment("gender", female ? "F" : "M");
    u.last_name = Fragment("lastName", PickLastName(rng));
    u.location = Fragment("location", PickUserLocation(rng));
    u.user_agent = Fragment("userAgent", PickUserAgent(rng));
    int64_t registered = kFirstDayMs - rng.Between(kMsPerDay, 120 * kMsPerDay);
    u.registration = "\"registration\":";
    AppendInt(u.registration, registered);
    u.registration += ".0";  // eventsim writes it as a float
    // Gaps in the id sequence, as in the real logs.
    int64_t id = 2 + i + i / 40;
    u.user_id = "\"userId\":\"" + std::to_string(id) + "\"";
    u.user_id_number = "\"userId\":" + std::to_string(id);
    u.initially_paid = rng.Chance(kInitiallyPaidShare);
    if (rng.Chance(u.initially_paid ? kDowngradeShare : kUpgradeShare)) {
      u.level_change_ts = kFirstDayMs + static_cast<int64_t>(rng.Below(period_ms));
    }
  }

  const int64_t num_world = std::clamp(options.events / 3, kMinWorldSongs, kMaxWorldSongs);
  model.world_songs.reserve(num_world);
  for (int64_t w = 0; w < num_world; ++w) {
    Rng rng = Rng::For(options.seed, Stream::kWorldSong, w);
    std::string artist = MakeArtistName(rng);
    const bool numeric = rng.Chance(kNumericWorldTitleShare);
    std::string title = numeric ? std::to_string(rng.Between(1, 2020)) : MakeSongTitle(rng);
    int64_t length =
        (30 + rng.Between(0, 285) + rng.Between(0, 285)) * 100000 + rng.Between(0, 99999);
    model.world_songs.push_back(MakePlayedSong(artist, title, length));
    if (numeric) model.world_songs.back().title_number = title;
  }

  for (const Song& song : catalogue.songs) {
    if (song.is_reissue || song.title_kind == TitleKind::kNull) continue;
    const ArtistCredit& credit = catalogue.CreditOf(song);
    PlayedSong played = MakePlayedSong(credit.name, song.title, song.duration_e5);
    if (song.title_kind == TitleKind::kNumber) played.title_number = song.title;
    model.catalogue_songs.push_back(std::move(played));
  }

  // Events per day: weekends are quieter, every day a little different.
  Rng weights_rng = Rng::For(options.seed, Stream::kDayWeights, 0);
  std::vector<double> weights(days);
  double total_weight = 0;
  for (int d = 0; d < days; ++d) {
    int weekday = static_cast<int>((kFirstDayMs / kMsPerDay + d + 3) % 7);  // 0 = Monday
    weights[d] = (weekday >= 5 ? 0.75 : 1.0) * (0.8 + 0.4 * weights_rng.Unit());
    total_weight += weights[d];
  }
  model.days.resize(days);
  int64_t assigned = 0;
  for (int d = 0; d < days; ++d) {
    model.days[d].events =
        static_cast<int64_t>(static_cast<double>(options.events) * weights[d] / total_weight);
    assigned += model.days[d].events;
  }
  for (int d = 0; assigned < options.events; d = (d + 1) % days, ++assigned) {
    ++model.days[d].events;
  }

  int64_t next_session_id = 1;
  for (int d = 0; d < days; ++d) {
    DayPlan& plan = model.days[d];
    plan.start_ms = kFirstDayMs + d * kMsPerDay;
    plan.relative_path = DayFilePath(plan.start_ms);
    plan.first_session_id = next_session_id;
    Rng rng = Rng::For(options.seed, Stream::kDayPlan, d);
    int64_t left = plan.events;
    while (left > 0) {
      // Mostly short sessions, a long tail of long ones (mean about 8 events).
      int64_t n = 1 + rng.Below(4) + (rng.Chance(0.5) ? rng.Below(12) : 0) +
                  (rng.Chance(0.1) ? rng.Below(60) : 0);
      n = std::min<int64_t>({n, left, kMaxSessionLength});
      plan.session_lengths.push_back(static_cast<uint16_t>(n));
      left -= n;
    }
    next_session_id += static_cast<int64_t>(plan.session_lengths.size());
  }

  for (int64_t j = 0; j < options.bad_lines; ++j) {
    Rng rng = Rng::For(options.seed, Stream::kBadLine, j);
    DayPlan& plan = model.days[rng.Below(days)];
    int64_t before = static_cast<int64_t>(rng.Below(plan.events + 1));
    plan.bad_lines.emplace_back(before, static_cast<BadLineKind>(j % kBadLineKinds));
  }
  for (DayPlan& plan : model.days) std::sort(plan.bad_lines.begin(), plan.bad_lines.end());
  return model;
}

bool WriteDay(const ActivityModel& model, int day,
              const std::function<bool(std::string_view)>& sink, DayStats* stats) {
  const ActivityOptions& opt = model.options;
  const DayPlan& plan = model.days[day];
  Rng rng = Rng::For(opt.seed, Stream::kDay, day);
  const bool trailing_newline = !rng.Chance(kNoTrailingNewlineShare);
  const uint64_t num_users = model.users.size();
  const uint64_t num_world = model.world_songs.size();
  const uint64_t num_catalogue = model.catalogue_songs.size();

  std::vector<Event> events;
  events.reserve(plan.events);
  std::vector<int64_t> deltas;
  for (size_t s = 0; s < plan.session_lengths.size(); ++s) {
    const int n = plan.session_lengths[s];
    const size_t first = events.size();
    const int32_t user =
        static_cast<int32_t>(rng.Chance(0.7) ? rng.Skewed(num_users) : rng.Below(num_users));
    int logged_out_left = 0;
    if (n >= 2 && rng.Chance(kLoggedOutStartShare)) {
      logged_out_left = static_cast<int>(std::min<int64_t>(n - 1, rng.Between(1, 3)));
    }
    deltas.clear();
    for (int item = 0; item < n; ++item) {
      Event e{};
      e.session = plan.first_session_id + static_cast<int64_t>(s);
      e.item = item;
      e.user = user;
      e.song = -1;
      if (logged_out_left > 0) {
        e.flags |= kLoggedOut;
        e.page = (logged_out_left == 1) ? kLogin : PickLoggedOutPage(rng);
        --logged_out_left;
        if (rng.Chance(kEmptyNotNullShare)) e.flags |= kEmptyNotNull;
      } else {
        e.page = PickLoggedInPage(rng);
        if (e.page == kLogout) logged_out_left = 2;  // then Home and Login, logged out
        if (rng.Chance(kNumericUserIdShare)) e.flags |= kNumericUserId;
      }
      int64_t delta_ms = rng.Between(1000, 90000);
      if (e.page == kNextSong) {
        if (num_catalogue > 0 && rng.Chance(opt.match_rate)) {
          e.flags |= kFromCatalogue;
          e.song = static_cast<int32_t>(rng.Below(num_catalogue));
          const PlayedSong& p = model.catalogue_songs[e.song];
          e.length_e5 = p.length_e5;
          if (rng.Chance(kLengthJitterShare)) {
            e.length_e5 += rng.Between(-kMaxJitterE5, kMaxJitterE5);
          }
          if (!p.title_number.empty() && rng.Chance(kNumberTitleShare)) e.flags |= kTitleAsNumber;
        } else {
          e.song =
              static_cast<int32_t>(rng.Chance(0.5) ? rng.Skewed(num_world) : rng.Below(num_world));
          const PlayedSong& p = model.world_songs[e.song];
          e.length_e5 = p.length_e5;
          if (!p.title_number.empty() && rng.Chance(kNumberTitleShare)) e.flags |= kTitleAsNumber;
        }
        if (rng.Chance(kProperTextShare)) e.flags |= kProperText;
        delta_ms = e.length_e5 / 100 + rng.Between(0, 2000);
      } else if (rng.Chance(kOmitNullKeysShare)) {
        e.flags |= kOmitNullKeys;
      }
      events.push_back(e);
      deltas.push_back(delta_ms);
    }
    // Place the session in the day; squeeze it if it would run past midnight.
    int64_t total = 0;
    for (int k = 0; k + 1 < n; ++k) total += deltas[k];
    const int64_t room = kMsPerDay - 1;
    if (total > room) {
      for (int k = 0; k + 1 < n; ++k) deltas[k] = deltas[k] * room / total;
      total = room;
    }
    int64_t ts = plan.start_ms + static_cast<int64_t>(rng.Below(room - total + 1));
    for (int k = 0; k < n; ++k) {
      events[first + k].ts = ts;
      ts += deltas[k];
    }
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    if (a.ts != b.ts) return a.ts < b.ts;
    if (a.session != b.session) return a.session < b.session;
    return a.item < b.item;
  });

  DayStats st;
  std::string buf;
  buf.reserve(kFlushBytes + (64 << 10));
  auto flush = [&]() {
    if (buf.empty()) return true;
    st.bytes += static_cast<int64_t>(buf.size());
    bool ok = sink(buf);
    buf.clear();
    return ok;
  };
  auto emit_bad = [&](BadLineKind kind, size_t near) {
    Event e{};
    if (!events.empty()) e = events[std::min(near, events.size() - 1)];
    e.ts = e.ts ? e.ts : plan.start_ms;
    e.user = static_cast<int32_t>(rng.Below(num_users));
    e.flags = 0;
    if (kind == BadLineKind::kNextSongNoUserId || e.page == kNextSong) {
      e.page = kNextSong;
      e.song = static_cast<int32_t>(rng.Below(num_world));
      e.length_e5 = model.world_songs[e.song].length_e5;
    }
    const size_t start = buf.size();
    AppendEvent(buf, model, e, &kind);
    if (kind == BadLineKind::kTruncatedJson) {
      const size_t len = buf.size() - start;
      buf.resize(start + 5 + rng.Below(len - 10));
    }
    buf.push_back('\n');
    ++st.bad_lines;
  };
  size_t next_bad = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (buf.size() >= kFlushBytes && !flush()) return false;
    while (next_bad < plan.bad_lines.size() &&
           plan.bad_lines[next_bad].first == static_cast<int64_t>(i)) {
      emit_bad(plan.bad_lines[next_bad++].second, i);
    }
    const Event& e = events[i];
    AppendEvent(buf, model, e, nullptr);
    buf.push_back('\n');
    ++st.records;
    if (e.page == kNextSong) ++st.next_songs;
    if (e.flags & kFromCatalogue) ++st.planned_matches;
  }
  while (next_bad < plan.bad_lines.size()) emit_bad(plan.bad_lines[next_bad++].second, ~size_t{0});
  if (!trailing_newline && !buf.empty()) buf.pop_back();
  if (!flush()) return false;
  *stats = st;
  return true;
}

}  // namespace sparkify::gen

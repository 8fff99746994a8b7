#include "gen/vocabulary.h"

#include <cctype>

namespace sparkify::gen {
namespace {

template <typename T, size_t N>
const T& Pick(Rng& rng, const T (&items)[N]) {
  return items[rng.Below(N)];
}

constexpr std::string_view kWords[] = {
    "Love",     "Night",    "Dream",    "Fire",    "Rain",    "Heart",   "Blue",     "Summer",
    "Road",     "City",     "Light",    "Dance",   "Soul",    "Moon",    "Star",     "River",
    "Girl",     "Boy",      "World",    "Time",    "Home",    "Song",    "Angel",    "Midnight",
    "Gold",     "Wild",     "Sweet",    "Broken",  "Lonely",  "Crazy",   "Little",   "Big",
    "Black",    "White",    "Red",      "Green",   "Shadow",  "Train",   "Highway",  "Ocean",
    "Mountain", "Baby",     "Money",    "Party",   "Rock",    "Blues",   "Honey",    "Sugar",
    "Devil",    "Paradise", "Freedom",  "Memory",  "Tears",   "Kiss",    "Storm",    "Thunder",
    "Echo",     "Silence",  "Mirror",   "Window",  "Garden",  "Winter",  "Spring",   "Autumn",
    "Morning",  "Evening",  "Sun",      "Sky",     "Cloud",   "Desert",  "Island",   "Street",
    "Avenue",   "Hotel",    "Radio",    "Machine", "Ghost",   "Queen",   "King",     "Prince",
    "Lady",     "Friend",   "Stranger", "Lover",   "Hero",    "Rebel",   "Fool",     "Child",
    "Brother",  "Sister",   "Mother",   "Father",  "Forever", "Tonight", "Tomorrow", "Yesterday",
    "Again",    "Alone",    "Together", "Away",    "Down",    "Up",      "Inside",   "Outside",
    "Beyond",   "Under",    "Over",     "Gone",    "Lost",    "Found",   "Free",     "Slow",
    "Fast",     "Electric", "Golden",   "Silver",  "Velvet",  "Crystal", "Neon",     "Hollow",
    "Holy"};

// Accented words that sometimes slip into an otherwise plain title.
constexpr std::string_view kAccentedWords[] = {"Corazón", "Café", "Niño",      "Mañana",
                                               "Noël",    "Été",  "Sincerité", "Jalapeño"};

// Whole titles and phrases with non-ASCII text (accents, Cyrillic, Japanese).
constexpr std::string_view kForeignTitles[] = {"¿Dónde va Chichi?",
                                               "No Hay Nadie Como Tú",
                                               "De São Paulo À Belém",
                                               "Représente",
                                               "Niño Soldado",
                                               "Sincerité Et Jalousie",
                                               "Déjà Vu",
                                               "Fräulein Wunder",
                                               "Ça plane pour moi",
                                               "Smörgåsbord",
                                               "Canción Del Mariachi",
                                               "Über Alles",
                                               "Звезда по имени Солнце",
                                               "丸の内サディスティック",
                                               "Göteborg Natt",
                                               "Crème Brûlée"};

constexpr std::string_view kTitleSuffixes[] = {" (Album Version)",
                                               " (Live)",
                                               " (Remix)",
                                               " (LP Version)",
                                               " (Explicit Album Version)",
                                               " (Instrumental Version)",
                                               " (Radio Edit)",
                                               " (Acoustic)",
                                               " [Live At Royal Albert Hall]",
                                               " (2005 Digital Remaster)",
                                               " (feat. Lil' Bran)",
                                               " (DJ Volume Remix)"};

constexpr std::string_view kForeignArtists[] = {"Björk",
                                                "Sigur Rós",
                                                "Beyoncé",
                                                "Mötley Crüe",
                                                "Café Tacuba",
                                                "Hüsker Dü",
                                                "Maná",
                                                "Édith Piaf",
                                                "Françoise Hardy",
                                                "Tiësto",
                                                "Måneskin",
                                                "Zoé",
                                                "Céline Dion",
                                                "Jürgen Drews",
                                                "Motörhead",
                                                "Мумий Тролль",
                                                "東京事変",
                                                "Rionegro / Solimões",
                                                "Calle 13 Featuring Café Tacuba",
                                                "Montserrat Caballé;Placido Domingo"};

constexpr std::string_view kFirstNamesF[] = {
    "Celeste",  "Sylvie", "Jacqueline", "Kate",   "Lily",    "Chloe",     "Tegan",    "Aleena",
    "Jayden",   "Ava",    "Layla",      "Hannah", "Emily",   "Madison",   "Olivia",   "Sophia",
    "Isabella", "Mia",    "Abigail",    "Ella",   "Grace",   "Zoe",       "Natalie",  "Addison",
    "Brooklyn", "Aubrey", "Samantha",   "Leah",   "Anna",    "Alexis",    "Victoria", "Audrey",
    "Savannah", "Claire", "Stella",     "Maya",   "Paisley", "Katherine", "Ruby",     "Autumn",
    "Amelia",   "Rylie",  "Kinsley",    "Lucy",   "Morgan",  "Molly",     "Jordyn",   "Sienna",
    "Kaylee",   "Brynn",  "Jasmine",    "Rachel", "Naomi",   "Vivian",    "Eliana",   "Elena",
    "Cecilia",  "Harper", "Piper",      "Sarah",  "Julia",   "Nora",      "Violet",   "Hazel"};

constexpr std::string_view kFirstNamesM[] = {
    "Ryan",    "Jacob",  "Noah",   "Liam",      "Mason",   "Ethan",   "Aiden",    "Jackson",
    "Lucas",   "Logan",  "Carter", "Wyatt",     "Elijah",  "Caleb",   "Connar",   "Kevin",
    "Matthew", "Samuel", "Isaac",  "Henry",     "Owen",    "Gabriel", "Dylan",    "Luke",
    "Anthony", "Andrew", "Joshua", "Christian", "Nathan",  "Isaiah",  "Wesley",   "Brayden",
    "Tucker",  "Cooper", "Evan",   "Jordan",    "Adam",    "Colin",   "Xavier",   "Sebastian",
    "Austin",  "Miles",  "Ian",    "Kaleb",     "Emanuel", "Spencer", "Theodore", "Jonah"};

constexpr std::string_view kLastNames[] = {
    "Williams", "Cruz",      "Lynch",   "Harrell",  "Koch",     "Cuevas",   "Levine",   "Hill",
    "Smith",    "Johnson",   "Brown",   "Jones",    "Garcia",   "Miller",   "Davis",    "Rodriguez",
    "Martinez", "Hernandez", "Lopez",   "Gonzalez", "Wilson",   "Anderson", "Thomas",   "Taylor",
    "Moore",    "Jackson",   "Martin",  "Lee",      "Perez",    "Thompson", "White",    "Harris",
    "Sanchez",  "Clark",     "Ramirez", "Lewis",    "Robinson", "Walker",   "Young",    "Allen",
    "King",     "Wright",    "Scott",   "Torres",   "Nguyen",   "Green",    "Adams",    "Baker",
    "Gonzales", "Nelson",    "Carter",  "Mitchell", "Roberts",  "Turner",   "Phillips", "Campbell",
    "Parker",   "Evans",     "Edwards", "Collins",  "Stewart",  "Morris",   "Rogers",   "Reed"};

constexpr std::string_view kUserLocations[] = {"Klamath Falls, OR",
                                               "Washington-Arlington-Alexandria, DC-VA-MD-WV",
                                               "Atlanta-Sandy Springs-Roswell, GA",
                                               "San Francisco-Oakland-Hayward, CA",
                                               "Portland-South Portland, ME",
                                               "Lansing-East Lansing, MI",
                                               "Chicago-Naperville-Elgin, IL-IN-WI",
                                               "New York-Newark-Jersey City, NY-NJ-PA",
                                               "Los Angeles-Long Beach-Anaheim, CA",
                                               "Houston-The Woodlands-Sugar Land, TX",
                                               "Dallas-Fort Worth-Arlington, TX",
                                               "Miami-Fort Lauderdale-West Palm Beach, FL",
                                               "Seattle-Tacoma-Bellevue, WA",
                                               "Boston-Cambridge-Newton, MA-NH",
                                               "Phoenix-Mesa-Scottsdale, AZ",
                                               "Detroit-Warren-Dearborn, MI",
                                               "Minneapolis-St. Paul-Bloomington, MN-WI",
                                               "Denver-Aurora-Lakewood, CO",
                                               "Tampa-St. Petersburg-Clearwater, FL",
                                               "Birmingham-Hoover, AL",
                                               "Red Bluff, CA",
                                               "Marinette, WI-MI",
                                               "Winston-Salem, NC",
                                               "Tucson, AZ",
                                               "Janesville-Beloit, WI",
                                               "Nashville-Davidson--Murfreesboro--Franklin, TN",
                                               "Lake Havasu City-Kingman, AZ",
                                               "Santa Maria-Santa Barbara, CA",
                                               "Salinas, CA",
                                               "Columbia, SC",
                                               "Elkhart-Goshen, IN",
                                               "Tampa-St. Petersburg-Clearwater, FL"};

constexpr std::string_view kUserAgents[] = {
    "\"Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/37.0.2062.103 Safari/537.36\"",
    "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.77.4 (KHTML, like Gecko) "
    "Version/7.0.5 Safari/537.77.4\"",
    "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/36.0.1985.143 Safari/537.36\"",
    "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.78.2 (KHTML, like Gecko) "
    "Version/7.0.6 Safari/537.78.2\"",
    "Mozilla/5.0 (Windows NT 5.1; rv:31.0) Gecko/20100101 Firefox/31.0",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0",
    "\"Mozilla/5.0 (Windows NT 6.3; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/36.0.1985.143 Safari/537.36\"",
    "\"Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like "
    "Gecko) Version/7.0 Mobile/11D257 Safari/9537.53\"",
    "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; WOW64; Trident/6.0)",
    "\"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu "
    "Chromium/36.0.1985.125 Chrome/36.0.1985.125 Safari/537.36\"",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko"};

constexpr Place kPlaces[] = {
    {"Memphis, TN", 35.14968, -90.04892},
    {"Nashville, TN.", 36.16778, -86.77836},
    {"California - SF", 37.77916, -122.42005},
    {"California - LA", 34.05349, -118.24532},
    {"Denmark", 56.27609, 9.51695},
    {"London, England", 51.50632, -0.12714},
    {"Toronto, Ontario, Canada", 43.64856, -79.38533},
    {"United States", 37.16793, -95.84502},
    {"Mineola, AR", 34.31109, -94.02978},
    {"Washington", 38.8991, -77.029},
    {"Dubai UAE", 49.80388, 15.47491},
    {"Morris Plains, NJ", 40.82624, -74.47995},
    {"Nevada, MO", 37.83721, -94.35868},
    {"Georgia", 32.67828, -83.22295},
    {"New York, NY [Spanish Harlem]", 40.79195, -73.94512},
    {"Newark, NJ", 40.73197, -74.17418},
    {"Chicago", 41.88415, -87.63241},
    {"Queens, NY", 40.7038, -73.83168},
    {"Beaumont, TX", 30.08615, -94.10158},
    {"Orlando, FL", 28.53823, -81.37739},
    {"New York, NY", 40.71455, -74.00712},
    {"Pennsylvania", 40.99471, -77.60454},
    {"Utah", 39.49974, -111.54732},
    {"Zagreb Croatia", 45.80726, 15.9676},
    {"Panama", 8.4177, -80.11278},
    {"Fort Worth, TX", 32.74863, -97.32925},
    {"Noci (BA)", -13.442, -41.9952},
    {"Reykjavík, Iceland", 64.13548, -21.89541},
    {"São Paulo, Brazil", -23.56287, -46.65467},
    {"Montréal, Québec, Canada", 45.51228, -73.55439},
    {"Köln, Germany", 50.94168, 6.95517},
    {"Houston, TX", 29.76045, -95.36978},
};

}  // namespace

std::string MakeSongTitle(Rng& rng) {
  if (rng.Chance(0.03)) return std::string(Pick(rng, kForeignTitles));
  std::string title;
  uint64_t shape = rng.Below(10);
  if (shape == 0) title = "The ";
  if (shape == 1) title = "My ";
  if (shape == 2) title = "Don't ";
  int words = static_cast<int>(rng.Between(1, 4));
  for (int w = 0; w < words; ++w) {
    if (w > 0) title.push_back(' ');
    title += rng.Chance(0.01) ? Pick(rng, kAccentedWords) : Pick(rng, kWords);
  }
  if (rng.Chance(0.15)) title += Pick(rng, kTitleSuffixes);
  return title;
}

std::string MakeArtistName(Rng& rng) {
  if (rng.Chance(0.04)) return std::string(Pick(rng, kForeignArtists));
  std::string name;
  switch (rng.Below(6)) {
    case 0:
      name = "The ";
      name += Pick(rng, kWords);
      name += "s";
      break;
    case 1:
    case 2:
      name = rng.Chance(0.5) ? Pick(rng, kFirstNamesF) : Pick(rng, kFirstNamesM);
      name += " ";
      name += Pick(rng, kLastNames);
      break;
    case 3:
      name = Pick(rng, kWords);
      name += " ";
      name += Pick(rng, kWords);
      break;
    case 4:
      name = Pick(rng, kFirstNamesM);
      name += " & The ";
      name += Pick(rng, kWords);
      name += "s";
      break;
    default:
      name = std::string(Pick(rng, kWords));
      name += Pick(rng, kLastNames);
      break;
  }
  return name;
}

std::string MakeNameVariant(Rng& rng, std::string_view name) {
  std::string out(name);
  switch (rng.Below(3)) {
    case 0:
      for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      break;
    case 1:
      if (out.rfind("The ", 0) == 0) {
        out.erase(0, 4);
      } else {
        out.insert(0, "The ");
      }
      break;
    default:
      out += " featuring ";
      out += Pick(rng, kFirstNamesM);
      out += " ";
      out += Pick(rng, kLastNames);
      break;
  }
  return out;
}

const Place& PickArtistPlace(Rng& rng) { return Pick(rng, kPlaces); }

std::string_view PickFirstName(Rng& rng, bool female) {
  return female ? Pick(rng, kFirstNamesF) : Pick(rng, kFirstNamesM);
}
std::string_view PickLastName(Rng& rng) { return Pick(rng, kLastNames); }
std::string_view PickUserLocation(Rng& rng) { return Pick(rng, kUserLocations); }
std::string_view PickUserAgent(Rng& rng) { return Pick(rng, kUserAgents); }

}  // namespace sparkify::gen

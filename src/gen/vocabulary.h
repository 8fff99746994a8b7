// Word pools and name builders for songs, artists and users. The pools mix plain
// ASCII with accented and non-Latin text in roughly the proportions of the real
// data, so that the text-repair and matching paths of the ETL get exercised.
#pragma once

#include <string>
#include <string_view>

#include "gen/rng.h"

namespace sparkify::gen {

struct Place {
  const char* name;  // as written in artist_location, e.g. "Memphis, TN"
  double latitude;
  double longitude;
};

std::string MakeSongTitle(Rng& rng);
std::string MakeArtistName(Rng& rng);
// A spelling variant of an artist name, as found across MSD files of one artist_id:
// upper case, a dropped/added "The", an appended featuring credit.
std::string MakeNameVariant(Rng& rng, std::string_view name);
const Place& PickArtistPlace(Rng& rng);

std::string_view PickFirstName(Rng& rng, bool female);
std::string_view PickLastName(Rng& rng);
std::string_view PickUserLocation(Rng& rng);  // eventsim metro areas
std::string_view PickUserAgent(Rng& rng);     // some quoted, as eventsim writes them

}  // namespace sparkify::gen

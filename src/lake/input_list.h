// The list stage: which objects under an input root are input.
#pragma once

#include <string_view>
#include <vector>

#include "common/status.h"
#include "fs/file_system.h"
#include "lake/records.h"

namespace sparkify::lake {

// True for names ending in ".json", ".json.gz" or ".json.zst" (SPEC "Inputs");
// everything else (.DS_Store, _SUCCESS, .crc files) is ignored.
bool IsInputObjectName(std::string_view path);

// Lists the input objects under the root of `fs`, sorted by path. NotFound when
// the root does not exist. Without `sizes`, an object's size and time may be
// 0 (FileSystem::ListPaths): enough for inputs that are read whole and planned
// by count (the song files of a full run).
Status ListInputObjects(fs::FileSystem* fs, std::vector<InputObject>* out, bool sizes = true);

// Groups objects into parse shards of consecutive objects, each at most
// `target_bytes` (or one object, if larger) and `max_objects` objects. The
// plan depends on the objects only, never on the thread count.
inline constexpr uint64_t kShardTargetBytes = 16u << 20;
inline constexpr size_t kShardMaxObjects = 512;
// Objects listed without sizes (ListInputObjects) are sharded by count into
// at least this many shards of at most this many objects (the pipeline).
inline constexpr size_t kUnsizedShards = 64;
struct ShardRange {
  size_t begin = 0, end = 0;  // indices into the object list
};
std::vector<ShardRange> PlanShards(const std::vector<InputObject>& objects,
                                   uint64_t target_bytes = kShardTargetBytes,
                                   size_t max_objects = kShardMaxObjects);

}  // namespace sparkify::lake

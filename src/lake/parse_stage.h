// The parse stage: reads the objects of one shard (FileSystem::ReadMany keeps
// the reads in flight), decompresses, and parses them into a batch and rejects.
// One call is one task; the pipeline runs the shards on its thread pool, and a
// distributed engine could run them anywhere (the output serialises).
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "common/status.h"
#include "fs/file_system.h"
#include "lake/records.h"

namespace sparkify::lake {

// Parses objects[shard.begin, shard.end). Fails (IOError, NotFound...) only
// when an object cannot be read; bad content becomes rejects. `bytes_done`,
// when given, grows by each object's size as it is parsed (progress display).
Status ParseSongShard(fs::FileSystem* fs, const std::vector<InputObject>& objects, size_t begin,
                      size_t end, SongShardOutput* out, std::atomic<uint64_t>* bytes_done);
Status ParseLogShard(fs::FileSystem* fs, const std::vector<InputObject>& objects, size_t begin,
                     size_t end, LogShardOutput* out, std::atomic<uint64_t>* bytes_done);

}  // namespace sparkify::lake

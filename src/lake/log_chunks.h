// Log chunks: the units of work of the streaming log stage. A chunk is either
// a run of whole objects (small files, or compressed ones, which cannot be cut)
// or one byte range of a big uncompressed object, so that one huge log file is
// parsed by every core and memory per chunk stays bounded.
//
// A range is cut at line starts: chunk [s, e) of an object covers the text
// [B(s), B(e)), where B(0) = 0, B(size) = size, and otherwise B(x) is the first
// position p >= x where a line starts with '{' (text[p-1] == '\n', text[p] ==
// '{'). B depends on the text only, so consecutive ranges tile the object
// exactly whatever reads them, and a JSON-lines record is never cut. (A
// pretty-printed record whose inner lines start with '{' could be cut; log
// objects are JSON lines, SPEC "Inputs".)
//
// The plan depends on the objects' sizes only, never on the thread count.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "fs/file_system.h"
#include "lake/records.h"

namespace sparkify::lake {

struct LogChunk {
  size_t begin = 0, end = 0;  // objects[begin, end); one object when `ranged`
  bool ranged = false;        // a byte range of objects[begin]
  uint64_t offset = 0;        // nominal range [offset, offset + length)
  uint64_t length = 0;
  bool first_range() const { return !ranged || offset == 0; }
};

// Groups consecutive objects into chunks of about `target_bytes` (as
// PlanShards does). An uncompressed object that makes a chunk alone is read
// as ranges of about `target_bytes` (one range, the whole object, when it is
// under 1.5 times that); a chunk of several objects, or of a compressed one,
// is read whole.
std::vector<LogChunk> PlanLogChunks(const std::vector<InputObject>& objects, uint64_t target_bytes);

// Reads the text of a ranged chunk of `object` from `file` (the object opened
// with FileSystem::NewRandomAccessFile): `*text` is [B(offset), B(offset +
// length)) of the object, as defined above. Reads a little past the nominal
// end to find the next line start, more when lines are long. `*text` points
// into `*buffer` (reused between calls, so a worker allocates once) or into
// the file's own memory (a mapped local file: nothing is copied); it stays
// valid while `file` lives and `buffer` is not reused.
Status ReadLogRange(const fs::RandomAccessFile& file, const InputObject& object,
                    const LogChunk& chunk, std::string* buffer, std::string_view* text);

}  // namespace sparkify::lake

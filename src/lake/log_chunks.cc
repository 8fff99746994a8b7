#include "lake/log_chunks.h"

#include <algorithm>
#include <cstring>

#include "lake/decompress.h"
#include "lake/input_list.h"

namespace sparkify::lake {

namespace {

// Bytes read past a boundary to find the next line start; doubled while the
// line is longer.
constexpr uint64_t kBoundaryProbeBytes = 64 << 10;

// Position of the first line start at or after `from` within `text`, where
// `text[0]` is at object offset `base` and `from` > `base` is an object
// offset; npos when `text` ends first.
size_t FindLineStart(std::string_view text, uint64_t base, uint64_t from) {
  for (size_t i = from - base; i < text.size(); ++i) {
    const void* nl = std::memchr(text.data() + i - 1, '\n', text.size() - i + 1);
    if (nl == nullptr) return std::string_view::npos;
    i = static_cast<size_t>(static_cast<const char*>(nl) - text.data()) + 1;
    if (i < text.size() && text[i] == '{') return i;
    if (i >= text.size()) return std::string_view::npos;
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<LogChunk> PlanLogChunks(const std::vector<InputObject>& objects,
                                    uint64_t target_bytes) {
  if (target_bytes == 0) target_bytes = 1;
  std::vector<LogChunk> chunks;
  for (const ShardRange& shard : PlanShards(objects, target_bytes)) {
    const InputObject& first = objects[shard.begin];
    // An uncompressed object alone in its shard is read as ranges, even as
    // one range: a range of a local file is a view of its mapping, while a
    // whole-object read copies it into a fresh, zero-filled string, and the
    // chunk's batch is a fresh one too (the ranged path reuses its worker's).
    const bool rangeable = shard.end - shard.begin == 1 &&
                           CompressionOf(first.path) == Compression::kNone && first.size > 0;
    if (!rangeable) {
      chunks.push_back(LogChunk{shard.begin, shard.end, false, 0, 0});
      continue;
    }
    const uint64_t pieces = first.size > target_bytes + target_bytes / 2
                                ? (first.size + target_bytes / 2) / target_bytes
                                : 1;
    uint64_t step = (first.size + pieces - 1) / pieces;
    for (uint64_t off = 0; off < first.size; off += step) {
      chunks.push_back(
          LogChunk{shard.begin, shard.end, true, off, std::min(step, first.size - off)});
    }
  }
  return chunks;
}

Status ReadLogRange(const fs::RandomAccessFile& file, const InputObject& object,
                    const LogChunk& chunk, std::string* buffer, std::string_view* text) {
  const uint64_t size = object.size;
  const uint64_t begin = chunk.offset;
  const uint64_t nominal_end = std::min(size, chunk.offset + chunk.length);
  // Read from one byte before the range (to see whether a line ends there)
  // up to a probe past its end.
  const uint64_t read_from = begin == 0 ? 0 : begin - 1;
  uint64_t probe = kBoundaryProbeBytes;
  while (true) {
    uint64_t read_to = std::min(size, nominal_end + probe);
    std::string_view all;
    SPARKIFY_RETURN_IF_ERROR(file.Read(read_from, read_to - read_from, buffer, &all));
    size_t start = 0;
    if (begin > 0) {
      start = FindLineStart(all, read_from, begin);
      if (start == std::string_view::npos) {
        if (read_to >= size || all.size() < read_to - read_from) {
          *text = std::string_view();  // no line starts in the rest of the object
          return Status::OK();
        }
        probe *= 2;
        continue;
      }
    }
    size_t end = all.size();
    if (nominal_end < size) {
      if (start > nominal_end - read_from) {
        *text = std::string_view();  // the first line start lies past the range
        return Status::OK();
      }
      end = FindLineStart(all, read_from, std::max<uint64_t>(nominal_end, read_from + 1));
      if (end == std::string_view::npos) {
        if (read_to < size && all.size() == read_to - read_from) {
          probe *= 2;
          continue;
        }
        end = all.size();  // the object ends first
      }
    }
    *text = all.substr(start, end - start);
    return Status::OK();
  }
}

}  // namespace sparkify::lake

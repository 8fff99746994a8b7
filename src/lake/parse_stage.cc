#include "lake/parse_stage.h"

#include <cstdint>
#include <string>

#include "lake/decompress.h"
#include "lake/record_parser.h"

namespace sparkify::lake {

namespace {

// Batches address their text with 32-bit offsets; a shard holds one object when
// it is big, so this bounds the JSON text of one object.
constexpr uint64_t kMaxObjectTextBytes = UINT32_MAX;

// Reads the shard's objects, then hands each one's JSON text to
// `parse(index, text)` in object order. Decompression failures become a reject
// for the object (what decompressed before the damage is still parsed).
template <typename Parse>
Status ReadAndParse(fs::FileSystem* fs, const std::vector<InputObject>& objects, size_t begin,
                    size_t end, std::string_view input, std::vector<Reject>* rejects,
                    ParseStats* stats, std::atomic<uint64_t>* bytes_done, Parse parse) {
  std::vector<std::string> paths;
  for (size_t i = begin; i < end; ++i) paths.push_back(objects[i].path);
  std::vector<std::string> contents(paths.size());
  std::vector<Status> statuses(paths.size());
  fs->ReadMany(paths, [&](size_t i, const Status& s, std::string&& data) {
    statuses[i] = s;
    contents[i] = std::move(data);
  });
  std::string text;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (!statuses[i].ok()) return statuses[i].WithContext(fs->Describe() + "/" + paths[i]);
    ++stats->objects;
    stats->bytes += contents[i].size();
    Compression compression = CompressionOf(paths[i]);
    if (compression == Compression::kNone) {
      text = std::move(contents[i]);
    } else {
      Status s = Decompress(compression, contents[i], &text);
      if (!s.ok()) {
        ++stats->rejects;
        rejects->push_back(MakeReject(input, paths[i], 0, s.message(), ""));
      }
    }
    std::string().swap(contents[i]);
    if (text.size() > kMaxObjectTextBytes) {
      return Status::NotSupported(fs->Describe() + "/" + paths[i] +
                                  ": more than 4 GiB of JSON in one object; split the file");
    }
    stats->decompressed_bytes += text.size();
    parse(paths[i], text);
    if (bytes_done) bytes_done->fetch_add(objects[begin + i].size, std::memory_order_relaxed);
  }
  return Status::OK();
}

}  // namespace

Status ParseSongShard(fs::FileSystem* fs, const std::vector<InputObject>& objects, size_t begin,
                      size_t end, SongShardOutput* out, std::atomic<uint64_t>* bytes_done) {
  RecordParser parser;
  return ReadAndParse(fs, objects, begin, end, "songs", &out->rejects, &out->stats, bytes_done,
                      [&](std::string_view path, std::string_view text) {
                        parser.ParseSongs(path, text, &out->batch, &out->rejects, &out->stats);
                      });
}

Status ParseLogShard(fs::FileSystem* fs, const std::vector<InputObject>& objects, size_t begin,
                     size_t end, LogShardOutput* out, std::atomic<uint64_t>* bytes_done) {
  RecordParser parser;
  return ReadAndParse(fs, objects, begin, end, "logs", &out->rejects, &out->stats, bytes_done,
                      [&](std::string_view path, std::string_view text) {
                        parser.ParseLogs(path, text, &out->batch, &out->rejects, &out->stats);
                      });
}

}  // namespace sparkify::lake

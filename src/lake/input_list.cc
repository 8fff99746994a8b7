#include "lake/input_list.h"

#include <algorithm>

namespace sparkify::lake {

bool IsInputObjectName(std::string_view path) {
  return path.ends_with(".json") || path.ends_with(".json.gz") || path.ends_with(".json.zst");
}

Status ListInputObjects(fs::FileSystem* fs, std::vector<InputObject>* out, bool sizes) {
  std::vector<fs::FileInfo> files;
  SPARKIFY_RETURN_IF_ERROR(sizes ? fs->List("", &files) : fs->ListPaths("", &files));
  out->clear();
  for (auto& f : files) {
    if (!IsInputObjectName(f.path)) continue;
    out->push_back(InputObject{std::move(f.path), f.size, std::move(f.etag), f.mtime_ns});
  }
  // List() sorts already; making sure makes the order a property of this
  // stage (a check: sorting 200,000 sorted paths again cost more than it).
  auto by_path = [](const InputObject& a, const InputObject& b) { return a.path < b.path; };
  if (!std::is_sorted(out->begin(), out->end(), by_path)) {
    std::sort(out->begin(), out->end(), by_path);
  }
  return Status::OK();
}

std::vector<ShardRange> PlanShards(const std::vector<InputObject>& objects, uint64_t target_bytes,
                                   size_t max_objects) {
  std::vector<ShardRange> shards;
  size_t begin = 0;
  uint64_t bytes = 0;
  for (size_t i = 0; i < objects.size(); ++i) {
    bool full = i > begin && (bytes + objects[i].size > target_bytes || i - begin >= max_objects);
    if (full) {
      shards.push_back({begin, i});
      begin = i;
      bytes = 0;
    }
    bytes += objects[i].size;
  }
  if (begin < objects.size()) shards.push_back({begin, objects.size()});
  return shards;
}

}  // namespace sparkify::lake

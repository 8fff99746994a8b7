#include "lake/incremental.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <set>

#include "json/json_writer.h"
#include "lake/transform.h"
#include "lake/write_stage.h"

namespace sparkify::lake {

namespace {

constexpr int64_t kStateFormat = 1;
constexpr std::string_view kBatchExtension = ".bin";
constexpr const char* kInputs[] = {"songs", "logs"};

// What the state remembers of one loaded object.
struct LoadedObject {
  uint64_t size = 0;
  std::string signature;  // ETag on S3, mtime in ns on local disk
  std::string file;       // "<input>/part-....bin", relative to the _inputs table
};
using LoadedObjects = std::map<std::string, LoadedObject>;  // by object path

std::string Signature(const InputObject& o) {
  return o.etag.empty() ? "mtime:" + std::to_string(o.mtime_ns) : "etag:" + o.etag;
}

std::string EncodeState(const std::map<std::string, LoadedObjects>& inputs) {
  std::string out = "{\"format\":" + std::to_string(kStateFormat) + ",\"objects\":{";
  bool first_input = true;
  for (const auto& [input, objects] : inputs) {
    if (!first_input) out += ',';
    first_input = false;
    json::AppendQuoted(&out, input);
    out += ":{";
    bool first = true;
    for (const auto& [path, o] : objects) {
      if (!first) out += ',';
      first = false;
      out += '\n';
      json::AppendQuoted(&out, path);
      out += ":[" + std::to_string(o.size) + ",";
      json::AppendQuoted(&out, o.signature);
      out += ',';
      json::AppendQuoted(&out, o.file);
      out += ']';
    }
    out += '}';
  }
  out += "}}\n";
  return out;
}

Status DecodeState(const std::string& text, std::map<std::string, LoadedObjects>* inputs) {
  inputs->clear();
  if (text.empty()) return Status::OK();
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  auto bad = [] { return Status::Corruption("the lake's incremental state is malformed"); };
  if (parser.parse(simdjson::padded_string(text)).get(root)) return bad();
  int64_t format = 0;
  simdjson::dom::object objects;
  if (root["format"].get_int64().get(format) || format != kStateFormat ||
      root["objects"].get_object().get(objects)) {
    return bad();
  }
  for (auto input : objects) {
    simdjson::dom::object entries;
    if (input.value.get_object().get(entries)) return bad();
    LoadedObjects& loaded = (*inputs)[std::string(input.key)];
    for (auto entry : entries) {
      simdjson::dom::array a;
      uint64_t size = 0;
      std::string_view sig, file;
      if (entry.value.get_array().get(a) || a.size() != 3 || a.at(0).get_uint64().get(size) ||
          a.at(1).get_string().get(sig) || a.at(2).get_string().get(file)) {
        return bad();
      }
      loaded[std::string(entry.key)] = LoadedObject{size, std::string(sig), std::string(file)};
    }
  }
  return Status::OK();
}

// 64-bit FNV-1a over everything appended: a fingerprint of a file's bytes.
class HashSink : public parquet::Sink {
 public:
  Status Append(std::string_view data) override {
    for (unsigned char c : data) hash_ = (hash_ ^ c) * 1099511628211ull;
    size_ += data.size();
    return Status::OK();
  }
  uint64_t hash() const { return hash_ ^ size_; }

 private:
  uint64_t hash_ = 14695981039346656037ull;
  uint64_t size_ = 0;
};

using PartitionKey = std::pair<std::string, std::string>;  // (table, partition)

// The fingerprint of every partition's files (slices in plan order).
Status Fingerprints(const std::vector<FileJob>& jobs, const parquet::WriterOptions& options,
                    std::map<PartitionKey, std::vector<uint64_t>>* out) {
  for (const FileJob& job : jobs) {
    HashSink sink;
    uint64_t bytes = 0;
    SPARKIFY_RETURN_IF_ERROR(EncodeFile(job, options, &sink, &bytes));
    (*out)[{job.table, job.partition}].push_back(sink.hash());
  }
  return Status::OK();
}

TableRows Transform(const std::vector<const SongBatch*>& songs,
                    const std::vector<const LogBatch*>& logs) {
  TableRows rows;
  rows.songs = BuildSongs(songs);
  rows.artists = BuildArtists(songs);
  rows.users = BuildUsers(logs);
  rows.songplays = BuildSongplays(logs, rows.songs);
  rows.time = BuildTime(rows.songplays);
  return rows;
}

template <typename Batch>
void SortByObject(std::vector<const Batch*>* batches) {
  std::sort(batches->begin(), batches->end(),
            [](const Batch* a, const Batch* b) { return a->objects[0] < b->objects[0]; });
}

}  // namespace

std::vector<SongBatch> SplitByObject(const SongBatch& b) {
  std::vector<SongBatch> out;
  for (size_t i = 0; i < b.size(); ++i) {
    const std::string& path = b.objects[b.object[i]];
    if (out.empty() || out.back().objects[0] != path) {
      out.emplace_back();
      out.back().objects = {path};
    }
    SongBatch& o = out.back();
    o.object.push_back(0);
    o.position.push_back(b.position[i]);
    o.song_id.Append(b.song_id.Get(i));
    o.title.Append(b.title.Get(i));
    o.artist_id.Append(b.artist_id.Get(i));
    o.artist_name.Append(b.artist_name.Get(i));
    o.artist_location.Append(b.artist_location.Get(i));
    o.duration.Append(b.duration.Get(i));
    o.artist_latitude.Append(b.artist_latitude.Get(i));
    o.artist_longitude.Append(b.artist_longitude.Get(i));
    o.year.Append(b.year.Get(i));
  }
  return out;
}

std::vector<LogBatch> SplitByObject(const LogBatch& b) {
  std::vector<LogBatch> out;
  for (size_t i = 0; i < b.size(); ++i) {
    const std::string& path = b.objects[b.object[i]];
    if (out.empty() || out.back().objects[0] != path) {
      out.emplace_back();
      out.back().objects = {path};
    }
    LogBatch& o = out.back();
    o.object.push_back(0);
    o.position.push_back(b.position[i]);
    o.ts.push_back(b.ts[i]);
    o.user_id.Append(b.user_id.Get(i));
    o.session_id.Append(b.session_id.Get(i));
    o.item_in_session.Append(b.item_in_session.Get(i));
    o.length.Append(b.length.Get(i));
    o.next_song.push_back(b.next_song[i]);
    for (auto [from, to] : {std::pair{&b.artist, &o.artist},
                            {&b.song, &o.song},
                            {&b.first_name, &o.first_name},
                            {&b.last_name, &o.last_name},
                            {&b.gender, &o.gender},
                            {&b.level, &o.level},
                            {&b.location, &o.location},
                            {&b.user_agent, &o.user_agent}}) {
      to->Append(from->Get(i));
    }
  }
  return out;
}

struct IncrementalRun::Impl {
  Transaction* txn = nullptr;
  fs::FileSystem* fs = nullptr;
  bool had_state = false;
  std::map<std::string, LoadedObjects> before;  // the committed state
  std::map<std::string, LoadedObjects> after;   // what Finish() stores
  std::set<std::string> reloaded[2];            // per input: objects read again (changed)
  // Batches, one per object: read back from the lake, and parsed by this run.
  std::vector<SongBatch> stored_songs, new_songs;
  std::vector<LogBatch> stored_logs, new_logs;
  std::vector<const SongBatch*> old_song_ptrs;
  std::vector<const LogBatch*> old_log_ptrs;

  // Reads every `_inputs` file the state names and keeps the batches of the
  // objects whose current entry points at that file.
  template <typename Batch>
  Status LoadStored(const std::string& input, std::vector<Batch>* out) {
    std::set<std::string> files;
    for (const auto& [path, o] : before[input]) files.insert(o.file);
    for (const std::string& file : files) {
      std::string bytes;
      Status s = fs->Read(std::string(kInputsTable) + "/" + file, &bytes);
      if (!s.ok()) return s.WithContext("reading the incremental state's batches");
      std::string_view in(bytes);
      while (!in.empty()) {
        Batch b;
        if (!b.Deserialize(&in) || b.objects.size() != 1) {
          return Status::Corruption("malformed batch in " + std::string(kInputsTable) + "/" + file);
        }
        auto it = before[input].find(b.objects[0]);
        if (it != before[input].end() && it->second.file == file) out->push_back(std::move(b));
      }
    }
    return Status::OK();
  }

  template <typename Batch>
  Status StoreNew(const std::string& input, const std::vector<Batch>& batches,
                  const std::vector<InputObject>& objects) {
    if (objects.empty()) return Status::OK();
    std::string bytes;
    for (const Batch& b : batches) b.Serialize(&bytes);
    std::unique_ptr<fs::WritableFile> file;
    std::string path;
    SPARKIFY_RETURN_IF_ERROR(txn->NewTableFile(kInputsTable, input, kBatchExtension, &file, &path));
    SPARKIFY_RETURN_IF_ERROR(file->Append(bytes));
    SPARKIFY_RETURN_IF_ERROR(file->Close());
    std::string name = input + "/" + path.substr(path.rfind('/') + 1);
    // Objects with no record (all rejected, or empty) are recorded too, so
    // they are not read again.
    for (const InputObject& o : objects)
      after[input][o.path] = LoadedObject{o.size, Signature(o), name};
    return Status::OK();
  }

  std::vector<InputObject> selected[2];  // this run's objects, per input
};

IncrementalRun::IncrementalRun(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
IncrementalRun::~IncrementalRun() = default;

Status IncrementalRun::Start(Transaction* txn, fs::FileSystem* out_fs,
                             std::unique_ptr<IncrementalRun>* out) {
  auto impl = std::make_unique<Impl>();
  impl->txn = txn;
  impl->fs = out_fs;
  std::string state;
  SPARKIFY_RETURN_IF_ERROR(txn->ReadState(&state));
  SPARKIFY_RETURN_IF_ERROR(DecodeState(state, &impl->before));
  impl->had_state = !state.empty();
  impl->after = impl->before;
  out->reset(new IncrementalRun(std::move(impl)));
  return Status::OK();
}

size_t IncrementalRun::objects_loaded_before() const {
  size_t n = 0;
  for (const auto& [input, objects] : impl_->before) n += objects.size();
  return n;
}

void IncrementalRun::SelectNewObjects(std::vector<InputObject>* songs,
                                      std::vector<InputObject>* logs) {
  std::vector<InputObject>* lists[2] = {songs, logs};
  for (int i = 0; i < 2; ++i) {
    const LoadedObjects& loaded = impl_->before[kInputs[i]];
    std::vector<InputObject> keep;
    for (InputObject& o : *lists[i]) {
      auto it = loaded.find(o.path);
      if (it != loaded.end() && it->second.size == o.size && it->second.signature == Signature(o)) {
        continue;  // loaded before, unchanged
      }
      if (it != loaded.end()) impl_->reloaded[i].insert(o.path);
      keep.push_back(std::move(o));
    }
    *lists[i] = keep;
    impl_->selected[i] = std::move(keep);
  }
}

Status IncrementalRun::MergeBatches(const std::vector<const SongBatch*>& new_songs,
                                    const std::vector<const LogBatch*>& new_logs,
                                    std::vector<const SongBatch*>* songs,
                                    std::vector<const LogBatch*>* logs) {
  Impl& m = *impl_;
  SPARKIFY_RETURN_IF_ERROR(m.LoadStored("songs", &m.stored_songs));
  SPARKIFY_RETURN_IF_ERROR(m.LoadStored("logs", &m.stored_logs));
  for (const SongBatch* b : new_songs) {
    for (SongBatch& s : SplitByObject(*b)) m.new_songs.push_back(std::move(s));
  }
  for (const LogBatch* b : new_logs) {
    for (LogBatch& s : SplitByObject(*b)) m.new_logs.push_back(std::move(s));
  }
  songs->clear();
  logs->clear();
  // The committed lake is the transform of the stored batches; this run's
  // lake adds the new ones, replacing the stored batch of a changed object.
  for (const SongBatch& b : m.stored_songs) {
    m.old_song_ptrs.push_back(&b);
    if (!m.reloaded[0].count(b.objects[0])) songs->push_back(&b);
  }
  for (const LogBatch& b : m.stored_logs) {
    m.old_log_ptrs.push_back(&b);
    if (!m.reloaded[1].count(b.objects[0])) logs->push_back(&b);
  }
  for (const SongBatch& b : m.new_songs) songs->push_back(&b);
  for (const LogBatch& b : m.new_logs) logs->push_back(&b);
  SortByObject(songs);
  SortByObject(logs);
  SortByObject(&m.old_song_ptrs);
  SortByObject(&m.old_log_ptrs);
  return Status::OK();
}

Status IncrementalRun::SelectChangedFiles(const parquet::WriterOptions& options,
                                          size_t max_rows_per_file, std::vector<FileJob>* jobs) {
  Impl& m = *impl_;
  if (!m.had_state) {
    // Nothing known about the committed tables: replace them whole.
    for (const char* table : kTableNames) m.txn->SetTableMode(table, TableMode::kReplace);
    return Status::OK();
  }
  TableRows old_rows = Transform(m.old_song_ptrs, m.old_log_ptrs);
  std::vector<FileJob> old_jobs = PlanTableFiles(old_rows, max_rows_per_file);
  std::map<PartitionKey, std::vector<uint64_t>> before, after;
  SPARKIFY_RETURN_IF_ERROR(Fingerprints(old_jobs, options, &before));
  SPARKIFY_RETURN_IF_ERROR(Fingerprints(*jobs, options, &after));
  std::set<PartitionKey> changed;
  for (const auto& [key, prints] : after) {
    auto it = before.find(key);
    if (it == before.end() || it->second != prints) changed.insert(key);
  }
  for (const auto& [key, prints] : before) {
    if (!after.count(key)) changed.insert(key);  // emptied
  }
  for (const char* table : kTableNames) m.txn->SetTableMode(table, TableMode::kReplacePartitions);
  for (const auto& [table, partition] : changed) m.txn->ReplacePartition(table, partition);
  std::vector<FileJob> keep;
  for (FileJob& job : *jobs) {
    if (changed.count({job.table, job.partition})) keep.push_back(std::move(job));
  }
  *jobs = std::move(keep);
  return Status::OK();
}

Status IncrementalRun::Finish() {
  Impl& m = *impl_;
  // Without an earlier state, stale batches (if any) must not survive.
  m.txn->SetTableMode(kInputsTable, m.had_state ? TableMode::kAppend : TableMode::kReplace);
  SPARKIFY_RETURN_IF_ERROR(m.StoreNew("songs", m.new_songs, m.selected[0]));
  SPARKIFY_RETURN_IF_ERROR(m.StoreNew("logs", m.new_logs, m.selected[1]));
  m.txn->SetState(EncodeState(m.after));
  return Status::OK();
}

void ResetIncrementalState(Transaction* txn) {
  txn->SetTableMode(kInputsTable, TableMode::kReplace);
  txn->SetState("");
}

}  // namespace sparkify::lake

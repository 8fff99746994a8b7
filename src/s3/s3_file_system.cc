#include "s3/s3_file_system.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <mutex>
#include <thread>

#include "s3/sigv4.h"
#include "s3/xml.h"

namespace sparkify::s3 {
namespace {

std::string GetEnv(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// How long a DeleteObjects request may go without a byte from the server.
constexpr long kDeleteStallTimeoutS = 300;

// Undoes S3's encoding-type=url (form encoding: %XX, and '+' for a space).
std::string UrlDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
               HexValue(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

// "2026-11-25T16:17:00.000Z" (ListObjectsV2) -> ns since the epoch; 0 if unparsable.
int64_t ParseIsoTime(const std::string& s) {
  std::tm tm{};
  int ms = 0;
  if (sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
             &tm.tm_min, &tm.tm_sec, &ms) < 6) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000000000 + static_cast<int64_t>(ms) * 1000000;
}

// "Wed, 25 Nov 2026 16:17:00 GMT" (Last-Modified header) -> ns since the epoch.
int64_t ParseHttpTime(const std::string& s) {
  std::tm tm{};
  if (!strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S", &tm)) return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1000000000;
}

std::string Header(const S3Response& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

Status ParseResponse(const S3Response& r, std::string_view expected_root, XmlNode* root,
                     const std::string& what) {
  Status s = ParseXml(r.body, root);
  if (!s.ok()) return s.WithContext(what);
  if (root->name == "Error") {
    return Status::IOError(what + ": " + root->ChildText("Code") + ": " +
                           root->ChildText("Message"));
  }
  if (root->name != expected_root) {
    return Status::Corruption(what + ": unexpected XML response <" + root->name + ">");
  }
  return Status::OK();
}

}  // namespace

Status S3OptionsFromOpenOptions(const fs::OpenOptions& options, S3Options* out) {
  *out = S3Options();
  out->endpoint = options.endpoint;
  if (out->endpoint.empty()) out->endpoint = GetEnv("AWS_ENDPOINT_URL_S3");
  if (out->endpoint.empty()) out->endpoint = GetEnv("AWS_ENDPOINT_URL");
  out->region = options.region;
  out->credentials.anonymous = options.anonymous;
  out->credentials.config_file = options.config_file;
  if (options.max_in_flight > 0) out->max_in_flight = options.max_in_flight;
  std::string addressing = GetEnv("SPARKIFY_S3_ADDRESSING");
  if (addressing == "path") {
    out->addressing = Addressing::kPath;
  } else if (addressing == "virtual") {
    out->addressing = Addressing::kVirtual;
  } else if (!addressing.empty() && addressing != "auto") {
    return Status::InvalidArgument("SPARKIFY_S3_ADDRESSING must be path, virtual or auto, not '" +
                                   addressing + "'");
  }
  if (GetEnv("SPARKIFY_S3_CONDITIONAL_PUT") == "0") out->conditional_put = false;
  if (GetEnv("SPARKIFY_S3_WRITE_BEHIND") == "0") out->max_pending_writes = 0;
  return Status::OK();
}

S3FileSystem::S3FileSystem(std::unique_ptr<S3Client> client, std::string bucket, std::string prefix,
                           S3Options options)
    : client_(std::move(client)),
      bucket_(std::move(bucket)),
      prefix_(std::move(prefix)),
      options_(std::move(options)) {}

S3FileSystem::~S3FileSystem() {
  // Write-behind callbacks touch this object: let them all run first. A
  // failure nobody asked about is reported here rather than lost silently.
  WaitForAllWrites();
  if (!write_error_.ok()) {
    std::fprintf(stderr, "sparkify: an S3 write was never checked and failed: %s\n",
                 write_error_.ToString().c_str());
  }
  client_.reset();
}

Status S3FileSystem::Open(const std::string& uri, const S3Options& options,
                          std::unique_ptr<S3FileSystem>* out) {
  constexpr std::string_view kScheme = "s3://";
  if (!std::string_view(uri).starts_with(kScheme)) {
    return Status::InvalidArgument("not an s3:// URI: " + uri);
  }
  std::string rest = uri.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string bucket = rest.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (!prefix.empty()) prefix += "/";
  if (bucket.empty()) return Status::InvalidArgument("no bucket in " + uri);
  if (options.part_size < kMinPartSize) {
    return Status::InvalidArgument("S3 part size must be at least 5 MiB");
  }

  S3ClientOptions client_options;
  client_options.endpoint = options.endpoint;
  client_options.region = options.region;
  if (client_options.region.empty()) client_options.region = ResolveRegion(options.credentials);
  if (client_options.region.empty()) client_options.region = "us-east-1";
  client_options.addressing = options.addressing;
  client_options.max_in_flight = options.max_in_flight > 0 ? options.max_in_flight : 64;
  client_options.retry = options.retry;
  Status s = ResolveCredentials(options.credentials, &client_options.credentials);
  if (!s.ok()) {
    // Missing or broken credentials are a usage problem, not a missing input.
    return Status::InvalidArgument(s.message());
  }
  auto client = std::make_unique<S3Client>(std::move(client_options));
  out->reset(new S3FileSystem(std::move(client), bucket, prefix, options));
  return Status::OK();
}

std::string S3FileSystem::Describe() const {
  std::string p = prefix_;
  if (!p.empty()) p.pop_back();
  return "s3://" + bucket_ + (p.empty() ? "" : "/" + p);
}

std::string S3FileSystem::KeyFor(std::string_view path) const {
  return prefix_ + std::string(path);
}

Status S3FileSystem::List(std::string_view prefix, std::vector<fs::FileInfo>* out) {
  out->clear();
  std::string token;
  for (;;) {
    S3Request req;
    req.bucket = bucket_;
    req.query = {{"list-type", "2"},
                 {"prefix", KeyFor(prefix)},
                 {"max-keys", std::to_string(options_.list_page_size)},
                 {"encoding-type", "url"}};
    if (!token.empty()) req.query.emplace_back("continuation-token", token);
    S3Response resp;
    Status s = client_->Execute(req, &resp);
    if (!s.ok()) {
      if (resp.error_code == "NoSuchBucket") {
        return Status::NotFound("bucket " + bucket_ + " does not exist (" + s.message() + ")");
      }
      return s;
    }
    XmlNode root;
    SPARKIFY_RETURN_IF_ERROR(
        ParseResponse(resp, "ListBucketResult", &root, "S3 list " + Describe()));
    bool url_encoded = root.ChildText("EncodingType") == "url";
    for (const XmlNode* c : root.Children("Contents")) {
      std::string key = c->ChildText("Key");
      if (url_encoded) key = UrlDecode(key);
      if (key.size() < prefix_.size() || key.compare(0, prefix_.size(), prefix_) != 0) continue;
      if (key.ends_with("/")) continue;  // a "directory" marker, not a file
      fs::FileInfo info;
      info.path = key.substr(prefix_.size());
      info.size = std::strtoull(c->ChildText("Size").c_str(), nullptr, 10);
      info.etag = c->ChildText("ETag");
      info.mtime_ns = ParseIsoTime(c->ChildText("LastModified"));
      out->push_back(std::move(info));
    }
    if (root.ChildText("IsTruncated") != "true") break;
    token = root.ChildText("NextContinuationToken");
    if (token.empty()) {
      return Status::Corruption("S3 list " + Describe() +
                                ": truncated page without a continuation token");
    }
  }
  std::sort(out->begin(), out->end(),
            [](const fs::FileInfo& a, const fs::FileInfo& b) { return a.path < b.path; });
  if (out->empty() && !prefix_.empty()) {
    // S3 has no directories: a root prefix without a single object is what a
    // missing directory is on disk, and gets the same NotFound.
    bool root_empty = prefix.empty();
    if (!root_empty) {
      S3Request probe;
      probe.bucket = bucket_;
      probe.query = {{"list-type", "2"}, {"prefix", prefix_}, {"max-keys", "1"}};
      S3Response resp;
      SPARKIFY_RETURN_IF_ERROR(client_->Execute(probe, &resp));
      XmlNode root;
      SPARKIFY_RETURN_IF_ERROR(
          ParseResponse(resp, "ListBucketResult", &root, "S3 list " + Describe()));
      root_empty = root.Children("Contents").empty();
    }
    if (root_empty) return Status::NotFound("no objects under " + Describe());
  }
  return Status::OK();
}

Status S3FileSystem::Read(std::string_view path, std::string* contents) {
  S3Request req;
  req.bucket = bucket_;
  req.key = KeyFor(path);
  WaitForKey(req.key);
  S3Response resp;
  Status s = client_->Execute(req, &resp);
  if (!s.ok()) return s;
  *contents = std::move(resp.body);
  return Status::OK();
}

Status S3FileSystem::ReadRange(std::string_view path, uint64_t offset, uint64_t length,
                               std::string* out) {
  out->clear();
  if (length == 0) return Status::OK();
  S3Request req;
  req.bucket = bucket_;
  req.key = KeyFor(path);
  WaitForKey(req.key);
  req.headers.emplace_back(
      "Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1));
  S3Response resp;
  Status s = client_->Execute(req, &resp);
  if (resp.http_status == 416) return Status::OK();  // the range starts past the end
  if (!s.ok()) return s;
  if (resp.http_status == 200) {  // a server that ignored Range sent the whole object
    *out = offset < resp.body.size() ? resp.body.substr(offset, length) : std::string();
    return Status::OK();
  }
  *out = std::move(resp.body);
  return Status::OK();
}

Status S3FileSystem::Stat(std::string_view path, fs::FileInfo* info) {
  S3Request req;
  req.method = "HEAD";
  req.bucket = bucket_;
  req.key = KeyFor(path);
  WaitForKey(req.key);
  S3Response resp;
  SPARKIFY_RETURN_IF_ERROR(client_->Execute(req, &resp));
  info->path = std::string(path);
  info->size = std::strtoull(Header(resp, "content-length").c_str(), nullptr, 10);
  info->etag = Header(resp, "etag");
  info->mtime_ns = ParseHttpTime(Header(resp, "last-modified"));
  return Status::OK();
}

void S3FileSystem::ReadMany(const std::vector<std::string>& paths, const ReadCallback& on_file) {
  std::vector<S3Request> requests(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    requests[i].bucket = bucket_;
    requests[i].key = KeyFor(paths[i]);
    WaitForKey(requests[i].key);
  }
  client_->ExecuteMany(requests, [&](size_t i, const Status& s, S3Response&& resp) {
    on_file(i, s, s.ok() ? std::move(resp.body) : std::string());
  });
}

Status S3FileSystem::PutObject(const std::string& key, std::string_view contents,
                               std::vector<std::pair<std::string, std::string>> headers) {
  S3Request req;
  req.method = "PUT";
  req.bucket = bucket_;
  req.key = key;
  req.headers = std::move(headers);
  req.body = std::string(contents);
  S3Response resp;
  return client_->Execute(req, &resp);
}

Status S3FileSystem::Write(std::string_view path, std::string_view contents) {
  if (contents.size() <= options_.part_size) return PutObject(KeyFor(path), contents, {});
  return fs::FileSystem::Write(path, contents);
}

Status S3FileSystem::WriteIfAbsent(std::string_view path, std::string_view contents) {
  std::string key = KeyFor(path);
  if (options_.conditional_put && conditional_put_works_) {
    Status s = PutObject(key, contents, {{"If-None-Match", "*"}});
    if (s.IsAlreadyExists()) {
      return Status::AlreadyExists(DescribeTarget(bucket_, key) + " already exists");
    }
    if (s.code() != Status::Code::kNotSupported) return s;
    // The server refuses conditional PUTs (Swift's s3api answers 501): use
    // the fallback from now on.
    conditional_put_works_ = false;
  }
  // Without conditional PUT: HEAD then PUT. Two writers racing between the
  // HEAD and the PUT can both succeed; the last PUT wins. Good enough for a
  // lock that guards against a second run by mistake, not against a race.
  fs::FileInfo info;
  Status s = Stat(path, &info);
  if (s.ok()) return Status::AlreadyExists(DescribeTarget(bucket_, key) + " already exists");
  if (!s.IsNotFound()) return s;
  return PutObject(key, contents, {});
}

// A streaming writer: buffers one part; past part_size it starts a multipart
// upload and sends full parts in background threads, at most
// max_parts_in_flight at once, so memory stays bounded for any size.
class S3FileSystem::Writer : public fs::WritableFile {
 public:
  Writer(S3FileSystem* fs, std::string key) : fs_(fs), key_(std::move(key)) {}
  ~Writer() override {
    if (!closed_) Abort();
  }

  Status Append(std::string_view data) override {
    if (closed_) return Status::InvalidArgument("append to a closed file " + Target());
    const size_t part_size = fs_->options_.part_size;
    while (!data.empty()) {
      size_t take = std::min(data.size(), part_size - buffer_.size());
      buffer_.append(data.substr(0, take));
      bytes_ += take;
      data.remove_prefix(take);
      if (buffer_.size() == part_size) {
        // Keep the last full part back until more data arrives or Close(): a
        // file of exactly one part is then a plain PUT.
        if (!data.empty()) SPARKIFY_RETURN_IF_ERROR(StartPart());
      }
    }
    return FirstError();
  }

  Status Close() override {
    if (closed_) return Status::OK();
    closed_ = true;
    if (upload_id_.empty()) {
      if (fs_->options_.max_pending_writes <= 0) {
        Status s = fs_->PutObject(key_, buffer_, {});
        buffer_.clear();
        return s;
      }
      return fs_->PutBehind(key_, std::move(buffer_));
    }
    Status s = buffer_.empty() ? Status::OK() : StartPart();
    JoinAll();
    if (s.ok()) s = FirstError();
    if (s.ok()) s = Complete();
    if (!s.ok()) AbortUpload();
    return s;
  }

  void Abort() override {
    closed_ = true;
    JoinAll();
    buffer_.clear();
    if (!upload_id_.empty()) AbortUpload();
  }

 private:
  std::string Target() const { return DescribeTarget(fs_->bucket_, key_); }

  Status FirstError() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_error_;
  }

  Status Create() {
    S3Request req;
    req.method = "POST";
    req.bucket = fs_->bucket_;
    req.key = key_;
    req.query = {{"uploads", ""}};
    S3Response resp;
    SPARKIFY_RETURN_IF_ERROR(fs_->client_->Execute(req, &resp));
    XmlNode root;
    SPARKIFY_RETURN_IF_ERROR(ParseResponse(resp, "InitiateMultipartUploadResult", &root,
                                           "S3 create multipart upload " + Target()));
    upload_id_ = root.ChildText("UploadId");
    if (upload_id_.empty()) return Status::Corruption("S3 gave no UploadId for " + Target());
    return Status::OK();
  }

  // Sends buffer_ as the next part in the background.
  Status StartPart() {
    if (upload_id_.empty()) SPARKIFY_RETURN_IF_ERROR(Create());
    SPARKIFY_RETURN_IF_ERROR(FirstError());
    while (threads_.size() >= static_cast<size_t>(std::max(1, fs_->options_.max_parts_in_flight))) {
      threads_.front().join();
      threads_.pop_front();
    }
    int number = static_cast<int>(etags_.size()) + 1;
    {
      std::lock_guard<std::mutex> lock(mu_);
      etags_.emplace_back();
    }
    auto req = std::make_shared<S3Request>();
    req->method = "PUT";
    req->bucket = fs_->bucket_;
    req->key = key_;
    req->query = {{"partNumber", std::to_string(number)}, {"uploadId", upload_id_}};
    req->body.swap(buffer_);
    buffer_.reserve(fs_->options_.part_size);
    threads_.emplace_back([this, req, number] {
      S3Response resp;
      Status s = fs_->client_->Execute(*req, &resp);
      std::string etag = Header(resp, "etag");
      std::lock_guard<std::mutex> lock(mu_);
      if (s.ok() && etag.empty())
        s = Status::Corruption("S3 gave no ETag for a part of " + Target());
      if (!s.ok()) {
        if (first_error_.ok()) first_error_ = s;
        return;
      }
      etags_[number - 1] = etag;
    });
    return Status::OK();
  }

  void JoinAll() {
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  Status Complete() {
    std::string body = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < etags_.size(); ++i) {
      body += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
              XmlEscape(etags_[i]) + "</ETag></Part>";
    }
    body += "</CompleteMultipartUpload>";
    S3Request req;
    req.method = "POST";
    req.bucket = fs_->bucket_;
    req.key = key_;
    req.query = {{"uploadId", upload_id_}};
    req.body = std::move(body);
    req.content_type = "application/xml";
    S3Response resp;
    Status s = fs_->client_->Execute(req, &resp);
    if (s.IsNotFound() && resp.attempts > 1) {
      // An earlier attempt completed the upload but its answer was lost; the
      // retry then finds no such upload. The object is there if its size is.
      fs::FileInfo info;
      std::string path = key_.substr(fs_->prefix_.size());
      if (fs_->Stat(path, &info).ok() && info.size == bytes_) {
        upload_id_.clear();
        return Status::OK();
      }
    }
    SPARKIFY_RETURN_IF_ERROR(s);
    // S3 can answer 200 and still fail, with an <Error> body.
    XmlNode root;
    SPARKIFY_RETURN_IF_ERROR(ParseResponse(resp, "CompleteMultipartUploadResult", &root,
                                           "S3 complete multipart upload " + Target()));
    upload_id_.clear();
    return Status::OK();
  }

  void AbortUpload() {
    if (upload_id_.empty()) return;
    S3Request req;
    req.method = "DELETE";
    req.bucket = fs_->bucket_;
    req.key = key_;
    req.query = {{"uploadId", upload_id_}};
    S3Response resp;
    fs_->client_->Execute(req, &resp);  // best effort; CleanupTemporaries catches the rest
    upload_id_.clear();
  }

  S3FileSystem* fs_;
  std::string key_;
  std::string buffer_;
  std::string upload_id_;
  uint64_t bytes_ = 0;  // appended so far
  bool closed_ = false;
  std::deque<std::thread> threads_;
  std::mutex mu_;  // guards etags_, first_error_ (written by part threads)
  std::vector<std::string> etags_;
  Status first_error_;
};

Status S3FileSystem::NewWritableFile(std::string_view path,
                                     std::unique_ptr<fs::WritableFile>* out) {
  *out = std::make_unique<Writer>(this, KeyFor(path));
  return Status::OK();
}

Status S3FileSystem::PutBehind(const std::string& key, std::string body) {
  const size_t size = body.size();
  const size_t max_writes = static_cast<size_t>(options_.max_pending_writes);
  {
    std::unique_lock<std::mutex> lock(pending_mu_);
    // A lone write larger than the byte limit still goes (alone).
    pending_cv_.wait(lock, [&] {
      return !write_error_.ok() ||
             (pending_writes_ < max_writes &&
              (pending_writes_ == 0 || pending_bytes_ + size <= options_.max_pending_bytes));
    });
    // Stop queuing after a failure: the run is lost anyway, and the error
    // reaches the writer sooner.
    if (!write_error_.ok()) return write_error_;
    pending_writes_++;
    pending_bytes_ += size;
    pending_keys_.insert(key);
  }
  S3Request req;
  req.method = "PUT";
  req.bucket = bucket_;
  req.key = key;
  req.body = std::move(body);
  client_->Submit(std::move(req), [this, key, size](const Status& s, S3Response&&) {
    std::lock_guard<std::mutex> lock(pending_mu_);
    pending_writes_--;
    pending_bytes_ -= size;
    pending_keys_.erase(pending_keys_.find(key));
    if (!s.ok() && write_error_.ok()) write_error_ = s;
    pending_cv_.notify_all();
  });
  return Status::OK();
}

void S3FileSystem::WaitForKey(const std::string& key) {
  std::unique_lock<std::mutex> lock(pending_mu_);
  pending_cv_.wait(lock, [&] { return pending_keys_.count(key) == 0; });
}

void S3FileSystem::WaitForAllWrites() {
  std::unique_lock<std::mutex> lock(pending_mu_);
  pending_cv_.wait(lock, [&] { return pending_writes_ == 0; });
}

Status S3FileSystem::WaitForWrites() {
  std::unique_lock<std::mutex> lock(pending_mu_);
  pending_cv_.wait(lock, [&] { return pending_writes_ == 0; });
  Status s = write_error_;
  write_error_ = Status::OK();
  pending_cv_.notify_all();  // writers blocked on the error may queue again
  return s;
}

S3Request S3FileSystem::CopyRequest(std::string_view from, std::string_view to) const {
  S3Request req;
  req.method = "PUT";
  req.bucket = bucket_;
  req.key = KeyFor(to);
  // x-amz-copy-source: /bucket/key, URL-encoded ('/' kept).
  req.headers.emplace_back("x-amz-copy-source",
                           "/" + UriEncode(bucket_, false) + "/" + UriEncode(KeyFor(from), true));
  return req;
}

Status S3FileSystem::CopyResult(const Status& s, const S3Response& resp, std::string_view from,
                                std::string_view to) const {
  std::string what = "S3 copy " + DescribeTarget(bucket_, KeyFor(from)) + " to " +
                     DescribeTarget(bucket_, KeyFor(to));
  if (s.IsNotFound()) return Status::NotFound(what + ": " + s.message());
  if (!s.ok()) return s;
  // CopyObject can answer 200 and still fail, with an <Error> body.
  XmlNode root;
  return ParseResponse(resp, "CopyObjectResult", &root, what);
}

Status S3FileSystem::Copy(std::string_view from, std::string_view to) {
  WaitForKey(KeyFor(from));
  S3Request req = CopyRequest(from, to);
  S3Response resp;
  Status s = client_->Execute(req, &resp);
  return CopyResult(s, resp, from, to);
}

Status S3FileSystem::CopyMany(const std::vector<std::pair<std::string, std::string>>& copies) {
  std::vector<S3Request> requests;
  requests.reserve(copies.size());
  for (const auto& [from, to] : copies) {
    WaitForKey(KeyFor(from));
    requests.push_back(CopyRequest(from, to));
  }
  Status first;
  client_->ExecuteMany(requests, [&](size_t i, const Status& s, S3Response&& resp) {
    Status r = CopyResult(s, resp, copies[i].first, copies[i].second);
    if (!r.ok() && first.ok()) first = r;
  });
  return first;
}

Status S3FileSystem::Delete(const std::vector<std::string>& paths) {
  // A pending write-behind PUT must not land after its delete.
  for (const std::string& p : paths) WaitForKey(KeyFor(p));
  // Batches of kMaxKeysPerDelete keys, all in flight at once.
  std::vector<S3Request> requests;
  for (size_t begin = 0; begin < paths.size(); begin += kMaxKeysPerDelete) {
    size_t end = std::min(paths.size(), begin + kMaxKeysPerDelete);
    std::string body = "<Delete><Quiet>true</Quiet>";
    for (size_t i = begin; i < end; ++i) {
      body += "<Object><Key>" + XmlEscape(KeyFor(paths[i])) + "</Key></Object>";
    }
    body += "</Delete>";
    S3Request req;
    req.method = "POST";
    req.bucket = bucket_;
    req.query = {{"delete", ""}};
    req.headers = {{"Content-MD5", Md5Base64(body)}};
    req.body = std::move(body);
    req.content_type = "application/xml";
    // The server answers only once every key is deleted: Swift takes tens of
    // seconds for 1,000 keys when busy, which is not a stalled transfer.
    req.stall_timeout_s = kDeleteStallTimeoutS;
    requests.push_back(std::move(req));
  }
  Status first;
  client_->ExecuteMany(requests, [&](size_t, const Status& s, S3Response&& resp) {
    Status r = s;
    XmlNode root;
    if (r.ok()) r = ParseResponse(resp, "DeleteResult", &root, "S3 delete in " + Describe());
    if (r.ok()) {
      for (const XmlNode* e : root.Children("Error")) {
        if (e->ChildText("Code") == "NoSuchKey") continue;
        r = Status::IOError("S3 delete " + DescribeTarget(bucket_, e->ChildText("Key")) + ": " +
                            e->ChildText("Code") + ": " + e->ChildText("Message"));
        break;
      }
    }
    if (!r.ok() && first.ok()) first = r;
  });
  return first;
}

Status S3FileSystem::CleanupTemporaries(std::string_view prefix, size_t* removed) {
  *removed = 0;
  std::vector<S3Request> aborts;
  std::string key_marker, upload_marker;
  for (;;) {
    S3Request req;
    req.bucket = bucket_;
    req.query = {{"uploads", ""}, {"prefix", KeyFor(prefix)}};
    if (!key_marker.empty()) req.query.emplace_back("key-marker", key_marker);
    if (!upload_marker.empty()) req.query.emplace_back("upload-id-marker", upload_marker);
    S3Response resp;
    SPARKIFY_RETURN_IF_ERROR(client_->Execute(req, &resp));
    XmlNode root;
    SPARKIFY_RETURN_IF_ERROR(ParseResponse(resp, "ListMultipartUploadsResult", &root,
                                           "S3 list multipart uploads in " + Describe()));
    bool url_encoded = root.ChildText("EncodingType") == "url";
    for (const XmlNode* u : root.Children("Upload")) {
      S3Request abort;
      abort.method = "DELETE";
      abort.bucket = bucket_;
      abort.key = url_encoded ? UrlDecode(u->ChildText("Key")) : u->ChildText("Key");
      abort.query = {{"uploadId", u->ChildText("UploadId")}};
      aborts.push_back(std::move(abort));
    }
    if (root.ChildText("IsTruncated") != "true") break;
    key_marker = root.ChildText("NextKeyMarker");
    upload_marker = root.ChildText("NextUploadIdMarker");
    if (key_marker.empty() && upload_marker.empty()) break;
  }
  Status first;
  client_->ExecuteMany(aborts, [&](size_t, const Status& s, S3Response&&) {
    if (s.ok() || s.IsNotFound()) {
      ++*removed;
    } else if (first.ok()) {
      first = s;
    }
  });
  return first;
}

}  // namespace sparkify::s3

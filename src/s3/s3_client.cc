#include "s3/s3_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <random>
#include <thread>

#include "s3/sigv4.h"
#include "s3/xml.h"

namespace sparkify::s3 {
namespace {

using Clock = std::chrono::steady_clock;

// curl_global_init is not thread-safe; do it once before the first client.
struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Endpoint {
  std::string scheme;    // "http" or "https"
  std::string host;      // "127.0.0.1:18480" (port kept when given)
  std::string hostname;  // without port
};

Endpoint ParseEndpoint(const std::string& url) {
  Endpoint e;
  std::string rest = url;
  size_t sep = rest.find("://");
  if (sep == std::string::npos) {
    e.scheme = "https";
  } else {
    e.scheme = Lower(rest.substr(0, sep));
    rest = rest.substr(sep + 3);
  }
  size_t slash = rest.find('/');
  e.host = rest.substr(0, slash);
  if (!e.host.empty() && e.host[0] == '[') {
    e.hostname = e.host.substr(0, e.host.find(']') + 1);
  } else {
    e.hostname = e.host.substr(0, e.host.find(':'));
  }
  // Default ports are not part of the Host header curl sends.
  if ((e.scheme == "http" && e.host.ends_with(":80")) ||
      (e.scheme == "https" && e.host.ends_with(":443"))) {
    e.host = e.host.substr(0, e.host.rfind(':'));
  }
  return e;
}

bool IsIpOrLocal(const std::string& hostname) {
  if (hostname == "localhost" || (!hostname.empty() && hostname[0] == '[')) return true;
  return !hostname.empty() && std::all_of(hostname.begin(), hostname.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
}

// Virtual-hosted addressing needs the bucket to be a DNS label (and, over TLS,
// free of dots so the wildcard certificate matches).
bool BucketFitsInHost(const std::string& bucket, bool tls) {
  if (bucket.empty() || bucket.size() > 63) return false;
  for (char c : bucket) {
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-' || (c == '.' && !tls))) {
      return false;
    }
  }
  return true;
}

bool IsRetryableCurlCode(int code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
      return true;
    default:
      return false;
  }
}

// Longest wait for curl activity before a loop looks at its queues again.
constexpr int kMaxPollMs = 100;

size_t OnBody(char* data, size_t size, size_t n, void* userp);
size_t OnHeader(char* data, size_t size, size_t n, void* userp);

}  // namespace

struct S3Client::Shared {
  CURLSH* share = nullptr;
  std::mutex locks[CURL_LOCK_DATA_LAST];
};

struct S3Client::Transfer {
  size_t index = 0;
  const S3Request* request = nullptr;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  S3Response response;
  std::string url;
  std::string payload_hash;
  int attempt = 0;  // attempts started
  bool region_redirect_done = false;
  Clock::time_point first_start;
  Clock::time_point ready_at;
  char error[CURL_ERROR_SIZE] = {0};
  std::string last_network_error;
  // Submit() only: the request and the callback the transfer owns.
  std::unique_ptr<S3Request> owned_request;
  AsyncCallback on_done;
};

// Drives transfers on one curl multi handle: starts up to max_in_flight,
// retries after their backoff, and hands each finished one to `finish`.
// Used by one thread at a time (Wakeup() excepted).
class S3Client::Loop {
 public:
  using Finish = std::function<void(Transfer* t, const Status& status)>;
  Loop(S3Client* client, Finish finish)
      : client_(client), finish_(std::move(finish)), multi_(curl_multi_init()) {}
  ~Loop() { curl_multi_cleanup(multi_); }
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  void Add(Transfer* t) { ready_.push_back(t); }
  bool Idle() const { return ready_.empty() && waiting_.empty() && active_ == 0; }
  // Interrupts a Step() waiting for activity; safe from any thread.
  void Wakeup() { curl_multi_wakeup(multi_); }

  // One round: starts what fits, moves data, finishes what is done, then
  // waits for activity, a due retry or Wakeup(), at most `max_wait_ms`.
  void Step(int max_wait_ms) {
    auto now = Clock::now();
    while (!waiting_.empty() && waiting_.begin()->first <= now) {
      ready_.push_front(waiting_.begin()->second);  // retries go first
      waiting_.erase(waiting_.begin());
    }
    const size_t max_active = static_cast<size_t>(client_->options_.max_in_flight);
    while (active_ < max_active && !ready_.empty()) {
      Transfer* t = ready_.front();
      ready_.pop_front();
      Start(t);
    }
    int running = 0;
    curl_multi_perform(multi_, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
      int code = msg->data.result;
      curl_multi_remove_handle(multi_, t->easy);
      active_--;
      bool retry = client_->ShouldRetry(t, code);
      long status = t->response.http_status;
      client_->ReleaseHandle(t->easy);
      t->easy = nullptr;
      curl_slist_free_all(t->headers);
      t->headers = nullptr;
      if (retry) {
        waiting_.emplace(t->ready_at, t);
        continue;
      }
      Status s;
      if (code != CURLE_OK || status < 200 || status >= 300) {
        s = client_->FinalStatus(*t, code);
        client_->counters_.failures++;
      }
      finish_(t, s);
    }
    if (active_ < max_active && !ready_.empty()) return;  // more to start at once
    // Nothing running and no retry due: waiting would only add latency (with
    // no transfer, curl_multi_poll sleeps the whole timeout).
    if (active_ == 0 && waiting_.empty()) return;
    int timeout_ms = max_wait_ms;
    if (!waiting_.empty()) {
      auto until = std::chrono::duration_cast<std::chrono::milliseconds>(waiting_.begin()->first -
                                                                         Clock::now())
                       .count();
      timeout_ms = static_cast<int>(std::clamp<int64_t>(until, 0, max_wait_ms));
    }
    // Waits even with no transfer running (a retry's backoff), until woken.
    curl_multi_poll(multi_, nullptr, 0, timeout_ms, nullptr);
  }

 private:
  void Start(Transfer* t) {
    if (t->attempt == 0) {
      t->first_start = Clock::now();
      const std::string& body = t->request->body;
      t->payload_hash = body.empty() ? std::string(kEmptyPayloadSha256) : Sha256Hex(body);
    } else {
      client_->counters_.retries++;
    }
    t->attempt++;
    client_->counters_.requests++;
    client_->counters_.bytes_sent += t->request->body.size();
    t->easy = static_cast<CURL*>(client_->AcquireHandle());
    client_->Prepare(t);
    curl_multi_add_handle(multi_, t->easy);
    active_++;
  }

  S3Client* client_;
  Finish finish_;
  CURLM* multi_;
  std::deque<Transfer*> ready_;
  std::multimap<Clock::time_point, Transfer*> waiting_;
  size_t active_ = 0;
};

struct S3Client::Engine {
  std::mutex mu;  // guards the fields below
  std::condition_variable cv;
  std::deque<std::unique_ptr<Transfer>> incoming;
  bool stop = false;
  Loop* loop = nullptr;  // while the engine thread runs one
  std::thread thread;
};

namespace {

size_t OnBody(char* data, size_t size, size_t n, void* userp) {
  auto* t = static_cast<S3Client::Transfer*>(userp);
  t->response.body.append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* userp) {
  auto* t = static_cast<S3Client::Transfer*>(userp);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    t->response.headers.clear();  // a new response (after 100 Continue or a redirect)
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return size * n;
  std::string name = Lower(std::string(line.substr(0, colon)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  t->response.headers[name] = std::string(value);
  return size * n;
}

void LockShare(CURL*, curl_lock_data data, curl_lock_access, void* userp) {
  static_cast<std::mutex*>(userp)[data].lock();
}
void UnlockShare(CURL*, curl_lock_data data, void* userp) {
  static_cast<std::mutex*>(userp)[data].unlock();
}

}  // namespace

RequestTarget ResolveTarget(const std::string& endpoint, const std::string& region,
                            Addressing addressing, const S3Request& r) {
  Endpoint ep =
      ParseEndpoint(endpoint.empty() ? "https://s3." + region + ".amazonaws.com" : endpoint);
  bool path_style;
  switch (addressing) {
    case Addressing::kPath:
      path_style = true;
      break;
    case Addressing::kVirtual:
      path_style = false;
      break;
    default:
      path_style = IsIpOrLocal(ep.hostname) || !BucketFitsInHost(r.bucket, ep.scheme == "https");
  }
  RequestTarget target;
  target.host = ep.host;
  target.canonical_uri = "/";
  if (path_style) {
    target.canonical_uri += UriEncode(r.bucket, false);
    if (!r.key.empty()) target.canonical_uri += "/" + UriEncode(r.key, true);
  } else {
    target.host = r.bucket + "." + ep.host;
    target.canonical_uri += UriEncode(r.key, true);
  }
  std::string query = CanonicalQueryString(r.query);
  target.url =
      ep.scheme + "://" + target.host + target.canonical_uri + (query.empty() ? "" : "?" + query);
  return target;
}

std::string DescribeTarget(const std::string& bucket, const std::string& key) {
  return "s3://" + bucket + "/" + key;
}

S3Client::S3Client(S3ClientOptions options)
    : options_(std::move(options)), shared_(std::make_unique<Shared>()) {
  static CurlGlobal global;
  region_ = options_.region.empty() ? "us-east-1" : options_.region;
  if (options_.max_in_flight <= 0) options_.max_in_flight = 64;
  shared_->share = curl_share_init();
  curl_share_setopt(shared_->share, CURLSHOPT_LOCKFUNC, LockShare);
  curl_share_setopt(shared_->share, CURLSHOPT_UNLOCKFUNC, UnlockShare);
  curl_share_setopt(shared_->share, CURLSHOPT_USERDATA, shared_->locks);
  // One connection cache for every request of this client: keep-alive
  // connections are reused across ExecuteMany calls and threads.
  curl_share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(shared_->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

S3Client::~S3Client() {
  if (engine_) {
    {
      std::lock_guard<std::mutex> lock(engine_->mu);
      engine_->stop = true;
      if (engine_->loop) engine_->loop->Wakeup();
    }
    engine_->cv.notify_all();
    engine_->thread.join();
  }
  for (void* h : handles_) curl_easy_cleanup(static_cast<CURL*>(h));
  curl_share_cleanup(shared_->share);
}

std::string S3Client::region() const {
  std::lock_guard<std::mutex> lock(mu_);
  return region_;
}

S3Stats S3Client::stats() const {
  S3Stats s;
  s.requests = counters_.requests;
  s.retries = counters_.retries;
  s.throttled = counters_.throttled;
  s.server_errors = counters_.server_errors;
  s.network_errors = counters_.network_errors;
  s.failures = counters_.failures;
  s.bytes_received = counters_.bytes_received;
  s.bytes_sent = counters_.bytes_sent;
  return s;
}

void* S3Client::AcquireHandle() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!handles_.empty()) {
      CURL* h = static_cast<CURL*>(handles_.back());
      handles_.pop_back();
      curl_easy_reset(h);
      return h;
    }
  }
  return curl_easy_init();
}

void S3Client::ReleaseHandle(void* handle) {
  std::lock_guard<std::mutex> lock(mu_);
  handles_.push_back(handle);
}

void S3Client::Prepare(Transfer* t) {
  const S3Request& r = *t->request;
  t->response = S3Response();
  t->error[0] = 0;
  std::string region = this->region();
  RequestTarget target = ResolveTarget(options_.endpoint, region, options_.addressing, r);
  t->url = target.url;
  const std::string& host = target.host;
  const std::string& path = target.canonical_uri;

  std::vector<std::pair<std::string, std::string>> send_headers = r.headers;
  if (!options_.credentials.anonymous) {
    SigningRequest sr;
    sr.method = r.method;
    sr.host = host;
    sr.canonical_uri = path;
    sr.query = r.query;
    sr.headers = r.headers;
    sr.payload_sha256 = t->payload_hash;
    SigningCredentials sc{options_.credentials.access_key_id,
                          options_.credentials.secret_access_key,
                          options_.credentials.session_token};
    int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    SignedHeaders signed_headers = SignRequest(sr, sc, region, AmzDate(now));
    for (auto& h : signed_headers.extra_headers) send_headers.push_back(std::move(h));
    send_headers.emplace_back("Authorization", std::move(signed_headers.authorization));
  }

  CURL* e = t->easy;
  if (t->headers) curl_slist_free_all(t->headers);
  t->headers = nullptr;
  t->headers = curl_slist_append(t->headers, ("Host: " + host).c_str());
  for (const auto& [name, value] : send_headers) {
    t->headers = curl_slist_append(t->headers, (name + ": " + value).c_str());
  }
  t->headers = curl_slist_append(t->headers, "Expect:");  // no 100-continue round trip
  if (r.method == "PUT" || r.method == "POST") {
    t->headers = curl_slist_append(t->headers, ("Content-Type: " + r.content_type).c_str());
  }

  curl_easy_setopt(e, CURLOPT_SHARE, shared_->share);
  curl_easy_setopt(e, CURLOPT_URL, t->url.c_str());
  curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);  // keys may hold "..": send them as they are
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(e, CURLOPT_PRIVATE, t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
                   r.stall_timeout_s > 0 ? r.stall_timeout_s : options_.stall_timeout_s);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  if (r.method == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else if (r.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (r.method == "PUT" || r.method == "POST") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  } else {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
}

bool S3Client::ShouldRetry(Transfer* t, int curl_code) {
  S3Response& resp = t->response;
  resp.attempts = t->attempt;
  long status = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  resp.http_status = curl_code == CURLE_OK ? status : 0;
  counters_.bytes_received += resp.body.size();

  bool transient = false;
  if (curl_code != CURLE_OK) {
    counters_.network_errors++;
    t->last_network_error =
        t->error[0] ? t->error : curl_easy_strerror(static_cast<CURLcode>(curl_code));
    transient = IsRetryableCurlCode(curl_code);
  } else if (status >= 300) {
    XmlNode root;
    if (!resp.body.empty() && ParseXml(resp.body, &root).ok() && root.name == "Error") {
      resp.error_code = root.ChildText("Code");
    }
    // A bucket in another region: S3 names the right one; switch and go again at once.
    auto region_it = resp.headers.find("x-amz-bucket-region");
    std::string bucket_region = region_it != resp.headers.end() ? region_it->second : "";
    if (bucket_region.empty() && resp.error_code == "AuthorizationHeaderMalformed") {
      bucket_region = root.ChildText("Region");
    }
    if (!t->region_redirect_done && !bucket_region.empty() && bucket_region != region() &&
        (status == 301 || status == 400 || status == 307)) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        region_ = bucket_region;
      }
      t->region_redirect_done = true;
      t->ready_at = Clock::now();
      return true;
    }
    if (status == 503 || status == 429 || resp.error_code == "SlowDown") {
      counters_.throttled++;
      transient = true;
    } else if (status >= 500 && status != 501) {  // 501 NotImplemented will not change
      counters_.server_errors++;
      transient = true;
    } else if (status == 400 && resp.error_code == "RequestTimeout") {
      transient = true;
    }
  }
  if (!transient) return false;
  if (t->attempt >= options_.retry.max_attempts) return false;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  auto delay = options_.retry.Delay(t->attempt, rng);
  auto now = Clock::now();
  if (now + delay - t->first_start > options_.retry.max_total) return false;
  t->ready_at = now + delay;
  return true;
}

Status S3Client::FinalStatus(const Transfer& t, int curl_code) const {
  const S3Request& r = *t.request;
  const S3Response& resp = t.response;
  std::string what = "S3 " + r.method + " " + DescribeTarget(r.bucket, r.key);
  if (r.key.empty()) {  // a bucket-level request: name the prefix it was about
    for (const auto& [name, value] : r.query) {
      if (name == "prefix") what = "S3 list " + DescribeTarget(r.bucket, value);
    }
  }
  std::string attempts =
      " (" + std::to_string(t.attempt) + (t.attempt == 1 ? " attempt)" : " attempts)");
  if (curl_code != CURLE_OK) {
    return Status::Unavailable(what + ": " + t.last_network_error + attempts);
  }
  long status = resp.http_status;
  std::string code = resp.error_code;
  std::string message;
  XmlNode root;
  if (!resp.body.empty() && ParseXml(resp.body, &root).ok() && root.name == "Error") {
    message = root.ChildText("Message");
  }
  if (code.empty()) {
    switch (status) {
      case 403:
        code = "Forbidden";
        break;
      case 404:
        code = "NotFound";
        break;
      case 412:
        code = "PreconditionFailed";
        break;
      default:
        break;
    }
  }
  std::string text = what + ": HTTP " + std::to_string(status) + (code.empty() ? "" : " " + code) +
                     (message.empty() ? "" : ": " + message);
  if (status == 404) return Status::NotFound(text);
  if (status == 401 || status == 403) return Status::PermissionDenied(text);
  // 412 answers a conditional PUT (If-None-Match: *) whose key exists.
  if (status == 412 && r.method == "PUT") return Status::AlreadyExists(text);
  if (status == 501) return Status::NotSupported(text);
  if (status >= 500 || status == 429) return Status::Unavailable(text + attempts);
  return Status::IOError(text);
}

Status S3Client::Execute(const S3Request& request, S3Response* response) {
  Status result;
  RunMany({&request}, [&](size_t, const Status& s, S3Response&& resp) {
    result = s;
    *response = std::move(resp);
  });
  return result;
}

void S3Client::ExecuteMany(const std::vector<S3Request>& requests, const Callback& done) {
  std::vector<const S3Request*> pointers;
  pointers.reserve(requests.size());
  for (const S3Request& r : requests) pointers.push_back(&r);
  RunMany(pointers, done);
}

void S3Client::RunMany(const std::vector<const S3Request*>& requests, const Callback& done) {
  if (requests.empty()) return;
  std::vector<Transfer> transfers(requests.size());
  Loop loop(this, [&](Transfer* t, const Status& s) {
    done(t->index, s, std::move(t->response));
    t->response = S3Response();
  });
  for (size_t i = 0; i < requests.size(); ++i) {
    transfers[i].index = i;
    transfers[i].request = requests[i];
    loop.Add(&transfers[i]);
  }
  while (!loop.Idle()) loop.Step(kMaxPollMs);
}

void S3Client::Submit(S3Request request, AsyncCallback done) {
  auto t = std::make_unique<Transfer>();
  t->owned_request = std::make_unique<S3Request>(std::move(request));
  t->request = t->owned_request.get();
  t->on_done = std::move(done);
  Engine* engine;
  {
    std::lock_guard<std::mutex> lock(engine_mu_);
    if (!engine_) {
      engine_ = std::make_unique<Engine>();
      Engine* e = engine_.get();
      e->thread = std::thread([this, e] { EngineMain(e); });
    }
    engine = engine_.get();
  }
  {
    std::lock_guard<std::mutex> lock(engine->mu);
    engine->incoming.push_back(std::move(t));
    if (engine->loop) engine->loop->Wakeup();
  }
  engine->cv.notify_one();
}

void S3Client::EngineMain(Engine* engine) {
  std::map<Transfer*, std::unique_ptr<Transfer>> live;
  Loop loop(this, [&](Transfer* t, const Status& s) {
    auto it = live.find(t);
    std::unique_ptr<Transfer> owned = std::move(it->second);
    live.erase(it);
    owned->on_done(s, std::move(owned->response));
  });
  {
    std::lock_guard<std::mutex> lock(engine->mu);
    engine->loop = &loop;
  }
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(engine->mu);
      if (loop.Idle()) {
        engine->cv.wait(lock, [&] { return engine->stop || !engine->incoming.empty(); });
        if (engine->incoming.empty()) {  // stopping, and nothing is left
          engine->loop = nullptr;
          return;
        }
      }
      while (!engine->incoming.empty()) {
        Transfer* t = engine->incoming.front().get();
        live.emplace(t, std::move(engine->incoming.front()));
        engine->incoming.pop_front();
        loop.Add(t);
      }
    }
    loop.Step(kMaxPollMs);
  }
}

}  // namespace sparkify::s3

// S3Client: signed HTTP requests to one S3 endpoint over libcurl, with retries.
//
// How to use:
//   1. Make a client with S3ClientOptions (endpoint, region, addressing,
//      credentials, concurrency, retry policy).
//   2. Execute(request, &response) for one request (blocking), or
//      ExecuteMany(requests, callback) to run many with up to max_in_flight at
//      once on one thread (curl multi), each retried on its own, or
//      Submit(request, callback) to hand one to the client's background engine
//      (one thread, curl multi, up to max_in_flight at once) and return at once.
//   3. stats() tells how many requests, retries and failures there were.
//
// Retries: connection failures, timeouts, resets, responses cut short, HTTP 5xx,
// 429 and 400 RequestTimeout are retried with backoff (RetryPolicy); other
// errors are final at once. A final error's message names the method, bucket,
// key, HTTP status and S3 error code, and never a credential.
// Thread-safe: every method may be called from several threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "s3/credentials.h"
#include "s3/retry_policy.h"

namespace sparkify::s3 {

enum class Addressing {
  kAuto,     // path-style for IP-address and localhost endpoints, virtual-hosted otherwise
  kPath,     // http://host/bucket/key
  kVirtual,  // http://bucket.host/key
};

struct S3ClientOptions {
  // "http://127.0.0.1:9000"; empty = AWS's https://s3.REGION.amazonaws.com.
  std::string endpoint;
  std::string region = "us-east-1";
  Addressing addressing = Addressing::kAuto;
  Credentials credentials;
  // Requests in flight at once in ExecuteMany: enough to hide per-request
  // latency (64 x 20 ms round trips = 3,200 small objects/s) without
  // overloading one endpoint.
  int max_in_flight = 64;
  RetryPolicy retry;
  long connect_timeout_ms = 5000;
  // A transfer slower than 1 byte/s for this long is cut and retried.
  long stall_timeout_s = 30;
};

struct S3Request {
  std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE
  std::string bucket;
  std::string key;                                           // empty for bucket-level operations
  std::vector<std::pair<std::string, std::string>> query;    // raw, unencoded
  std::vector<std::pair<std::string, std::string>> headers;  // sent and signed
  std::string body;
  std::string content_type = "application/octet-stream";  // for requests with a body
  // Overrides S3ClientOptions::stall_timeout_s (0 = the client's) for a
  // request the server may work on for long before answering a byte
  // (DeleteObjects of 1,000 keys on a busy server).
  long stall_timeout_s = 0;
};

struct S3Response {
  long http_status = 0;                        // 0 when no response arrived
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string error_code;  // S3's <Code> on an error response, e.g. "NoSuchKey"
  int attempts = 0;
};

// Counters since the client was made; read with S3Client::stats().
struct S3Stats {
  uint64_t requests = 0;        // attempts sent, retries included
  uint64_t retries = 0;         // attempts after the first
  uint64_t throttled = 0;       // 503 SlowDown / 429 answers seen
  uint64_t server_errors = 0;   // other 5xx answers seen
  uint64_t network_errors = 0;  // resets, timeouts, truncated responses seen
  uint64_t failures = 0;        // requests that finally failed
  uint64_t bytes_received = 0;
  uint64_t bytes_sent = 0;
};

class S3Client {
 public:
  explicit S3Client(S3ClientOptions options);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // Runs one request with retries. OK for 2xx; otherwise the mapped Status
  // (NotFound for 404, PermissionDenied for 401/403, AlreadyExists for 412 on PUT,
  // Unavailable when retries ran out, IOError otherwise). `response` holds the
  // last answer either way.
  Status Execute(const S3Request& request, S3Response* response);

  // Runs every request, up to max_in_flight at once, and calls `done` once per
  // request from the calling thread as each finishes, in any order.
  using Callback = std::function<void(size_t index, const Status& status, S3Response&& response)>;
  void ExecuteMany(const std::vector<S3Request>& requests, const Callback& done);

  // Queues `request` on the background engine (started on first use) and
  // returns at once; `done` runs on the engine's thread when the request has
  // finished, retries included. `done` must not block for long: it holds up
  // every other request of the engine. The destructor waits for every
  // submitted request to finish.
  using AsyncCallback = std::function<void(const Status& status, S3Response&& response)>;
  void Submit(S3Request request, AsyncCallback done);

  S3Stats stats() const;
  const S3ClientOptions& options() const { return options_; }
  std::string region() const;

  struct Transfer;  // one request's state across its attempts (s3_client.cc)

 private:
  struct Shared;
  class Loop;     // one curl multi handle and the transfers it drives
  struct Engine;  // the background thread behind Submit()
  struct Counters {
    std::atomic<uint64_t> requests{0}, retries{0}, throttled{0}, server_errors{0},
        network_errors{0}, failures{0}, bytes_received{0}, bytes_sent{0};
  };

  void RunMany(const std::vector<const S3Request*>& requests, const Callback& done);
  void EngineMain(Engine* engine);
  void Prepare(Transfer* t);
  // Decides what to do with a finished attempt: true = retry.
  bool ShouldRetry(Transfer* t, int curl_code);
  Status FinalStatus(const Transfer& t, int curl_code) const;
  void* AcquireHandle();
  void ReleaseHandle(void* handle);

  S3ClientOptions options_;
  std::unique_ptr<Shared> shared_;
  Counters counters_;
  mutable std::mutex mu_;  // guards region_, handles_
  std::string region_;
  std::vector<void*> handles_;
  std::mutex engine_mu_;  // guards engine_ (made on the first Submit)
  std::unique_ptr<Engine> engine_;
};

// Where a request goes. Path-style puts the bucket in the path
// (http://host/bucket/key), virtual-hosted in the host name
// (http://bucket.host/key); kAuto picks path-style for IP-address and
// localhost endpoints and for buckets that cannot be a host name.
struct RequestTarget {
  std::string url;            // with the canonical query string
  std::string host;           // the Host header (port kept unless default)
  std::string canonical_uri;  // the encoded path, as sent and as signed
};
// `endpoint` empty = AWS's https://s3.REGION.amazonaws.com.
RequestTarget ResolveTarget(const std::string& endpoint, const std::string& region,
                            Addressing addressing, const S3Request& request);

// "s3://bucket/key" form of a request's target, for messages.
std::string DescribeTarget(const std::string& bucket, const std::string& key);

}  // namespace sparkify::s3

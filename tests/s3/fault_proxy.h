// FaultProxy: an HTTP/1.1 proxy on 127.0.0.1 (random port) that sits between
// an S3 client and the server and misbehaves on purpose, like a bad network or
// a throttling S3: it adds latency, answers 503 SlowDown or 500 InternalError
// without forwarding, resets connections, and cuts responses short, each at a
// chosen rate drawn from a seeded generator. One thread per connection.
//
//   FaultProxy proxy({.upstream_port = 18480, .latency_ms = 20, .p_slowdown = 0.1});
//   ASSERT_TRUE(proxy.Start().ok());
//   options.endpoint = proxy.endpoint();   // "http://127.0.0.1:PORT"
//   ... proxy.counts().resets ...
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace sparkify::s3::testing {

struct FaultOptions {
  std::string upstream_host = "127.0.0.1";
  int upstream_port = 0;
  int latency_ms = 0;         // added before each request is handled
  double p_slowdown = 0;      // answer 503 SlowDown instead of forwarding
  double p_server_error = 0;  // answer 500 InternalError instead of forwarding
  double p_reset = 0;         // reset the client connection instead of forwarding
  double p_truncate = 0;      // forward, then send only part of the response and close
  uint64_t seed = 1;
  // Benchmark mode, to measure a client without the server's cost: a GET that
  // the server answered 200 is answered again from memory when the same request
  // line comes with the same Host and User-Agent product, and a PUT without a query string is answered
  // 200 with its MD5 as ETag and not forwarded. Latency still applies. Nothing
  // is authenticated or stored by such answers: never for tests of behaviour.
  bool replay = false;
};

struct FaultCounts {
  uint64_t connections = 0;  // accepted from clients
  uint64_t requests = 0, slowdowns = 0, server_errors = 0, resets = 0, truncations = 0;
  uint64_t replayed = 0;  // answered by the proxy itself in replay mode
};

class FaultProxy {
 public:
  explicit FaultProxy(FaultOptions options);
  ~FaultProxy();  // stops
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  Status Start();
  void Stop();
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  FaultCounts counts() const;
  // The head (request line and headers) of the last request received.
  std::string last_request_head() const;
  // Answers the next `count` requests with `raw_response` (a whole HTTP/1.1
  // response: status line, headers, body) instead of forwarding them, e.g. an
  // S3 301 PermanentRedirect naming another region.
  void AnswerNext(std::string raw_response, int count = 1);
  // Changes the fault rates of requests that arrive from now on.
  void SetFaults(double p_slowdown, double p_server_error, double p_reset, double p_truncate);

 private:
  enum class Fault { kNone, kSlowDown, kServerError, kReset, kTruncate };
  Fault Draw();
  void AcceptLoop();
  void Serve(int client_fd);
  // Replay mode: the proxy's own answer to a request (empty when it is to be
  // forwarded); *key is set when a 200 answer to it is to be kept.
  std::string ReplayAnswer(const std::string& head, const std::string& body, std::string* key);
  void Keep(const std::string& key, const std::string& response);

  FaultOptions options_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  mutable std::mutex mu_;  // guards rng_, options_ rates, counts_, conns_
  std::mt19937_64 rng_;
  FaultCounts counts_;
  std::string last_head_;
  std::string canned_response_;
  int canned_left_ = 0;
  std::vector<std::thread> workers_;
  std::vector<int> open_fds_;
  std::mutex replay_mu_;                                 // guards replay_
  std::unordered_map<std::string, std::string> replay_;  // request line + Host -> response
};

}  // namespace sparkify::s3::testing

#include "fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace sparkify::s3::testing {
namespace {

// Bytes from a socket with a read-ahead buffer.
class Reader {
 public:
  explicit Reader(int fd) : fd_(fd) {}
  // Reads up to and including "\r\n\r\n"; false on EOF/error.
  bool ReadHead(std::string* head) {
    for (;;) {
      size_t end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) {
        *head = buf_.substr(0, end + 4);
        buf_.erase(0, end + 4);
        return true;
      }
      if (buf_.size() > (1 << 20) || !Fill()) return false;
    }
  }
  bool ReadLine(std::string* line) {
    for (;;) {
      size_t end = buf_.find("\r\n");
      if (end != std::string::npos) {
        *line = buf_.substr(0, end + 2);
        buf_.erase(0, end + 2);
        return true;
      }
      if (!Fill()) return false;
    }
  }
  bool ReadN(size_t n, std::string* out) {
    while (buf_.size() < n) {
      if (!Fill()) return false;
    }
    out->append(buf_, 0, n);
    buf_.erase(0, n);
    return true;
  }
  void ReadToEof(std::string* out) {
    while (Fill()) {
    }
    out->append(buf_);
    buf_.clear();
  }

 private:
  bool Fill() {
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }
  int fd_;
  std::string buf_;
};

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The value of header `name` (lowercase) in `head`, or "".
std::string HeaderValue(const std::string& head, const std::string& name) {
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    size_t end = head.find("\r\n", pos + 2);
    if (end == std::string::npos) break;
    std::string line = head.substr(pos + 2, end - pos - 2);
    size_t colon = line.find(':');
    if (colon != std::string::npos && Lower(line.substr(0, colon)) == name) {
      std::string v = line.substr(colon + 1);
      v.erase(0, v.find_first_not_of(" \t"));
      return v;
    }
    pos = end;
  }
  return "";
}

std::string RemoveHeader(const std::string& head, const std::string& name) {
  std::string out;
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size() - 2;
    std::string line = head.substr(pos, end + 2 - pos);
    size_t colon = line.find(':');
    if (!(pos > 0 && colon != std::string::npos && Lower(line.substr(0, colon)) == name)) {
      out += line;
    }
    pos = end + 2;
  }
  return out;
}

std::string ErrorResponse(int status, const char* reason, const char* code) {
  std::string body = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>") +
                     code + "</Code><Message>injected by the test proxy</Message></Error>";
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: application/xml\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

void Reset(int fd) {
  linger l{1, 0};  // close() sends RST instead of FIN
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  ::shutdown(fd, SHUT_RDWR);
}

int ConnectTo(const std::string& host, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

}  // namespace

FaultProxy::FaultProxy(FaultOptions options) : options_(std::move(options)), rng_(options_.seed) {}

FaultProxy::~FaultProxy() { Stop(); }

Status FaultProxy::Start() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) return Status::IOError("socket failed");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;  // any free port
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, 512) != 0) {
    return Status::IOError(std::string("bind/listen failed: ") + std::strerror(errno));
  }
  socklen_t len = sizeof(addr);
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
  return Status::OK();
}

void FaultProxy::Stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes blocked reads
    workers.swap(workers_);
  }
  for (auto& t : workers) t.join();
}

FaultCounts FaultProxy::counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

void FaultProxy::SetFaults(double p_slowdown, double p_server_error, double p_reset,
                           double p_truncate) {
  std::lock_guard<std::mutex> lock(mu_);
  options_.p_slowdown = p_slowdown;
  options_.p_server_error = p_server_error;
  options_.p_reset = p_reset;
  options_.p_truncate = p_truncate;
}

void FaultProxy::AnswerNext(std::string raw_response, int count) {
  std::lock_guard<std::mutex> lock(mu_);
  canned_response_ = std::move(raw_response);
  canned_left_ = count;
}

std::string FaultProxy::last_request_head() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_head_;
}

FaultProxy::Fault FaultProxy::Draw() {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.requests++;
  double x = std::uniform_real_distribution<double>(0, 1)(rng_);
  if ((x -= options_.p_slowdown) < 0) {
    counts_.slowdowns++;
    return Fault::kSlowDown;
  }
  if ((x -= options_.p_server_error) < 0) {
    counts_.server_errors++;
    return Fault::kServerError;
  }
  if ((x -= options_.p_reset) < 0) {
    counts_.resets++;
    return Fault::kReset;
  }
  if ((x -= options_.p_truncate) < 0) {
    counts_.truncations++;
    return Fault::kTruncate;
  }
  return Fault::kNone;
}

void FaultProxy::AcceptLoop() {
  for (;;) {
    int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) {
      if (stopping_ || errno == EINVAL || errno == EBADF) return;
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.push_back(fd);
    counts_.connections++;
    workers_.emplace_back([this, fd] { Serve(fd); });
  }
}

std::string FaultProxy::ReplayAnswer(const std::string& head, const std::string& body,
                                     std::string* key) {
  const std::string line = head.substr(0, head.find("\r\n"));
  const size_t first_space = line.find(' '), last_space = line.rfind(' ');
  if (first_space == std::string::npos || last_space == first_space) return "";  // forwarded
  const std::string method = line.substr(0, first_space);
  const std::string target = line.substr(first_space + 1, last_space - first_space - 1);
  if (method == "PUT" && target.find('?') == std::string::npos) {
    unsigned char md5[EVP_MAX_MD_SIZE];
    unsigned int md5_size = 0;
    EVP_Digest(body.data(), body.size(), md5, &md5_size, EVP_md5(), nullptr);
    std::string etag;
    char hex[3];
    for (unsigned int i = 0; i < md5_size; ++i) {
      std::snprintf(hex, sizeof(hex), "%02x", md5[i]);
      etag += hex;
    }
    std::lock_guard<std::mutex> lock(mu_);
    counts_.replayed++;
    return "HTTP/1.1 200 OK\r\nETag: \"" + etag + "\"\r\nContent-Length: 0\r\n\r\n";
  }
  if (method != "GET") return "";
  // Each client's first pass goes to the server: the product of its User-Agent
  // (the first word; what follows may change between requests) is in the key.
  const std::string agent = HeaderValue(head, "user-agent");
  *key = line + "\n" + Lower(HeaderValue(head, "host")) + "\n" + agent.substr(0, agent.find(' '));
  std::string answer;
  {
    std::lock_guard<std::mutex> lock(replay_mu_);
    auto it = replay_.find(*key);
    if (it == replay_.end()) return "";
    answer = it->second;
  }
  std::lock_guard<std::mutex> lock(mu_);
  counts_.replayed++;
  return answer;
}

void FaultProxy::Keep(const std::string& key, const std::string& response) {
  std::lock_guard<std::mutex> lock(replay_mu_);
  replay_.emplace(key, response);
}

void FaultProxy::Serve(int client_fd) {
  Reader client(client_fd);
  int upstream_fd = -1;
  std::unique_ptr<Reader> upstream;
  auto forget = [&](int fd) {
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
  };
  for (;;) {
    std::string head;
    if (!client.ReadHead(&head)) break;
    std::string method = head.substr(0, head.find(' '));
    // The proxy answers 100-continue itself so the client sends the body at once.
    if (Lower(HeaderValue(head, "expect")) == "100-continue") {
      head = RemoveHeader(head, "expect");
      if (!SendAll(client_fd, "HTTP/1.1 100 Continue\r\n\r\n")) break;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      last_head_ = head;
    }
    std::string body;
    std::string length = HeaderValue(head, "content-length");
    if (!length.empty() && !client.ReadN(std::stoull(length), &body)) break;

    std::string canned;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (canned_left_ > 0) {
        canned_left_--;
        canned = canned_response_;
      }
    }
    if (!canned.empty()) {
      if (!SendAll(client_fd, canned)) break;
      continue;
    }
    Fault fault = Draw();
    if (options_.latency_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.latency_ms));
    }
    if (fault == Fault::kSlowDown) {
      if (!SendAll(client_fd, ErrorResponse(503, "Slow Down", "SlowDown"))) break;
      continue;
    }
    if (fault == Fault::kServerError) {
      if (!SendAll(client_fd, ErrorResponse(500, "Internal Server Error", "InternalError"))) break;
      continue;
    }
    if (fault == Fault::kReset) {
      Reset(client_fd);
      break;
    }
    std::string replay_key;
    if (options_.replay && fault == Fault::kNone) {
      std::string answer = ReplayAnswer(head, body, &replay_key);
      if (!answer.empty()) {
        if (!SendAll(client_fd, answer)) break;
        continue;
      }
    }

    if (upstream_fd < 0) {
      upstream_fd = ConnectTo(options_.upstream_host, options_.upstream_port);
      if (upstream_fd < 0) {
        Reset(client_fd);
        break;
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        open_fds_.push_back(upstream_fd);
      }
      upstream = std::make_unique<Reader>(upstream_fd);
    }
    if (!SendAll(upstream_fd, head) || !SendAll(upstream_fd, body)) break;

    // The response: head, then a body framed by Content-Length, chunked
    // encoding, or the end of the connection.
    std::string response;
    bool upstream_done = false;
    do {
      response.clear();
      if (!upstream->ReadHead(&response)) {
        upstream_done = true;
        break;
      }
    } while (response.starts_with("HTTP/1.1 100"));
    if (upstream_done) break;
    size_t head_size = response.size();
    int status = std::atoi(response.c_str() + 9);
    bool close_after = Lower(HeaderValue(response, "connection")) == "close";
    if (method != "HEAD" && status != 204 && status != 304) {
      std::string resp_length = HeaderValue(response, "content-length");
      if (!resp_length.empty()) {
        if (!upstream->ReadN(std::stoull(resp_length), &response)) break;
      } else if (Lower(HeaderValue(response, "transfer-encoding")) == "chunked") {
        for (;;) {
          std::string line;
          if (!upstream->ReadLine(&line)) break;
          response += line;
          size_t n = std::stoull(line, nullptr, 16);
          if (n == 0) {  // trailers end with an empty line
            while (upstream->ReadLine(&line)) {
              response += line;
              if (line == "\r\n") break;
            }
            break;
          }
          if (!upstream->ReadN(n + 2, &response)) break;
        }
      } else {
        upstream->ReadToEof(&response);
        close_after = true;
      }
    }
    if (fault == Fault::kTruncate) {
      // Cut inside the body when there is one, else inside the head.
      size_t cut = response.size() > head_size ? head_size + (response.size() - head_size) / 2
                                               : head_size / 2;
      SendAll(client_fd, std::string_view(response).substr(0, cut));
      break;
    }
    if (!replay_key.empty() && status == 200 && !close_after) Keep(replay_key, response);
    if (!SendAll(client_fd, response) || close_after) break;
  }
  if (upstream_fd >= 0) {
    forget(upstream_fd);
    ::close(upstream_fd);
  }
  forget(client_fd);
  ::close(client_fd);
}

}  // namespace sparkify::s3::testing

// s3_fault_proxy: the test suite's FaultProxy as a program, for the benchmark
// (bench/s3_bench.sh) and for trying a client by hand.
//   s3_fault_proxy --upstream-port 18480 [--latency-ms 20] [--p-slowdown 0.01]
//                  [--p-server-error 0] [--p-reset 0] [--p-truncate 0] [--seed 1]
//                  [--replay 1]
// --replay 1: benchmark mode (FaultOptions::replay): GETs answered 200 once are
// answered again from memory, plain PUTs are answered without the server.
// Prints the port it listens on (127.0.0.1) on the first line of stdout, then
// serves until SIGTERM or SIGINT, and prints the fault counts to stderr.
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "fault_proxy.h"

int main(int argc, char** argv) {
  sparkify::s3::testing::FaultOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--upstream-port") {
      options.upstream_port = std::atoi(value);
    } else if (flag == "--upstream-host") {
      options.upstream_host = value;
    } else if (flag == "--latency-ms") {
      options.latency_ms = std::atoi(value);
    } else if (flag == "--p-slowdown") {
      options.p_slowdown = std::atof(value);
    } else if (flag == "--p-server-error") {
      options.p_server_error = std::atof(value);
    } else if (flag == "--p-reset") {
      options.p_reset = std::atof(value);
    } else if (flag == "--p-truncate") {
      options.p_truncate = std::atof(value);
    } else if (flag == "--replay") {
      options.replay = std::atoi(value) != 0;
    } else if (flag == "--seed") {
      options.seed = std::strtoull(value, nullptr, 10);
    } else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  if (options.upstream_port <= 0) {
    std::cerr << "usage: s3_fault_proxy --upstream-port PORT [--latency-ms N] ...\n";
    return 2;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // threads inherit: only sigwait sees them
  sparkify::s3::testing::FaultProxy proxy(options);
  sparkify::Status s = proxy.Start();
  if (!s.ok()) {
    std::cerr << s.ToString() << "\n";
    return 1;
  }
  std::cout << proxy.port() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  auto c = proxy.counts();
  proxy.Stop();
  std::cerr << "s3_fault_proxy: " << c.connections << " connections, " << c.requests
            << " requests, " << c.slowdowns << " 503, " << c.server_errors << " 500, " << c.resets
            << " resets, " << c.truncations << " truncated, " << c.replayed << " replayed\n";
  return 0;
}

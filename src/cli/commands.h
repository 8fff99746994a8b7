// The subcommands of the `sparkify` binary. Each Add*Command registers its
// options on `parent` and returns the function that runs it after parsing.
// Exit codes: 0 success, 1 the run failed, 2 usage or configuration error.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace sparkify::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;
};

Command AddEtlCommand(CLI::App& parent);       // etl_command.cc
Command AddGenerateCommand(CLI::App& parent);  // generate_command.cc
Command AddInspectCommand(CLI::App& parent);   // inspect_command.cc

}  // namespace sparkify::cli

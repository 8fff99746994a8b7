#include <cstdio>

#include "cli/commands.h"

namespace sparkify::cli {

Command AddGenerateCommand(CLI::App& parent) {
  Command cmd;
  cmd.app = parent.add_subcommand("generate", "(not implemented yet)");
  cmd.run = [] {
    std::fprintf(stderr, "sparkify generate: not implemented yet\n");
    return kExitFailed;
  };
  return cmd;
}

}  // namespace sparkify::cli

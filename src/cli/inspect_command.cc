#include <cstdio>

#include "cli/commands.h"

namespace sparkify::cli {

Command AddInspectCommand(CLI::App& parent) {
  Command cmd;
  cmd.app = parent.add_subcommand("inspect", "(not implemented yet)");
  cmd.run = [] {
    std::fprintf(stderr, "sparkify inspect: not implemented yet\n");
    return kExitFailed;
  };
  return cmd;
}

}  // namespace sparkify::cli

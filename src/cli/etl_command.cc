#include <cstdio>

#include "cli/commands.h"

namespace sparkify::cli {

Command AddEtlCommand(CLI::App& parent) {
  Command cmd;
  cmd.app = parent.add_subcommand("etl", "(not implemented yet)");
  cmd.run = [] {
    std::fprintf(stderr, "sparkify etl: not implemented yet\n");
    return kExitFailed;
  };
  return cmd;
}

}  // namespace sparkify::cli

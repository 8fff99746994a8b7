#include <cstdio>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace sparkify::cli;
  CLI::App app{"sparkify: JSON activity logs to an analytics-ready Parquet star-schema lake"};
  app.set_version_flag("--version", std::string("sparkify ") + SPARKIFY_VERSION);
  app.require_subcommand(1);
  std::vector<Command> commands = {AddEtlCommand(app), AddGenerateCommand(app),
                                   AddInspectCommand(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  for (const Command& c : commands) {
    if (c.app->parsed()) return c.run();
  }
  return kExitUsage;
}

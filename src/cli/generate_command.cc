#include <cstdio>

#include "cli/commands.h"
#include "gen/generator.h"

namespace sparkify::cli {

Command AddGenerateCommand(CLI::App& parent) {
  auto options = std::make_shared<gen::GenerateOptions>();
  Command cmd;
  cmd.app = parent.add_subcommand(
      "generate",
      "Write a synthetic data set (MSD song files + eventsim logs, with the real data's quirks)");
  CLI::App& app = *cmd.app;
  app.add_option("--out", options->out_dir, "Output folder (gets song_data/ and log_data/)")
      ->required();
  app.add_option("--songs", options->songs, "Song records in the catalogue")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--events", options->events, "Valid log records over all days")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", options->seed, "Random seed; same seed, same bytes")
      ->capture_default_str();
  app.add_option("--bad-lines", options->bad_lines,
                 "Extra broken lines (truncated JSON, bad types, NextSong without userId)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--days", options->days, "Day files, from 2018-11-01 on")
      ->capture_default_str()
      ->check(CLI::Range(1, 3660));
  app.add_option("--song-files-per-dir", options->song_files_per_dir,
                 "Song files per A/B/C leaf folder")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--songs-per-file", options->songs_per_file,
                 "JSON objects per song file (one per line)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--match-rate", options->match_rate,
                 "Share of NextSong plays drawn from the catalogue")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--threads", options->threads, "Writer threads (0 = all cores)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--overwrite", options->overwrite, "Replace existing song_data/ and log_data/");
  cmd.run = [options] {
    Result<gen::GenerateReport> report = gen::Generate(*options);
    if (!report.ok()) {
      std::fprintf(stderr, "sparkify generate: %s\n", report.status().ToString().c_str());
      return report.status().IsInvalidArgument() ? kExitUsage : kExitFailed;
    }
    std::fprintf(stderr, "sparkify generate: wrote %s\n%s", options->out_dir.c_str(),
                 report->ToString().c_str());
    return kExitOk;
  };
  return cmd;
}

}  // namespace sparkify::cli

// `sparkify etl`: parses the command line into lake::PipelineOptions, runs the
// pipeline, prints a short summary on stderr, and maps the outcome to an exit
// code (0 success, 1 the run failed, 2 usage or configuration error).
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "lake/pipeline.h"

namespace sparkify::cli {

namespace {

struct EtlFlags {
  lake::PipelineOptions options;
  std::string compression = "snappy";
  std::string symlink_manifests = "auto";
  bool quiet = false;
};

int RunEtl(const EtlFlags& flags) {
  lake::PipelineOptions options = flags.options;
  static const std::map<std::string, parquet::Codec> kCodecs = {
      {"snappy", parquet::Codec::kSnappy},
      {"zstd", parquet::Codec::kZstd},
      {"none", parquet::Codec::kUncompressed}};
  options.codec = kCodecs.at(flags.compression);  // CLI11 checked the choice
  lake::ParseSymlinkManifestPolicy(flags.symlink_manifests, &options.symlink_manifests);
  options.progress = !flags.quiet;
  lake::RunReport report;
  Status s = lake::RunPipeline(options, &report);
  if (!s.ok()) {
    std::fprintf(stderr, "sparkify etl: %s\n", s.ToString().c_str());
    if (s.IsInvalidArgument()) return kExitUsage;
    std::fprintf(stderr, "sparkify etl: the run failed; the output was left as it was\n");
    return kExitFailed;
  }
  if (!flags.quiet) std::fputs(report.ToText().c_str(), stderr);
  return kExitOk;
}

}  // namespace

Command AddEtlCommand(CLI::App& parent) {
  auto flags = std::make_shared<EtlFlags>();
  lake::PipelineOptions& o = flags->options;
  Command cmd;
  CLI::App* app = parent.add_subcommand(
      "etl", "Build the songplays star schema (Parquet, Hive-partitioned) from song and log JSON");
  app->add_option("--songs", o.songs_uri, "Song metadata: a local folder or s3://bucket/prefix")
      ->required();
  app->add_option("--logs", o.logs_uri, "Activity logs: a local folder or s3://bucket/prefix")
      ->required();
  app->add_option("--out", o.out_uri, "Output lake: a local folder or s3://bucket/prefix")
      ->required();
  app->add_option("--config", o.open.config_file,
                  "dl.cfg with an [AWS] section holding AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY")
      ->check(CLI::ExistingFile);
  app->add_option("--threads", o.threads,
                  "Worker threads for parsing and writing (default: all cores); one more "
                  "thread writes the catalogue's files while waiting on the disk")
      ->check(CLI::Range(1, 1024));
  app->add_option("--compression", flags->compression, "Parquet compression")
      ->check(CLI::IsMember({"snappy", "zstd", "none"}))
      ->capture_default_str();
  app->add_option("--max-rejects", o.max_rejects,
                  "Fail the run when more records than this are rejected (default: no limit)")
      ->check(CLI::NonNegativeNumber);
  app->add_option("--endpoint", o.open.endpoint, "S3 endpoint URL (e.g. http://localhost:8080)");
  app->add_flag("--no-sign-request", o.open.anonymous, "Read public buckets anonymously");
  app->add_flag("--force-unlock", o.force_unlock,
                "Break the output's writer lock left by a run that died");
  app->add_flag("--fsync", o.sync,
                "Make the commit durable against a machine crash (local disk: syncfs "
                "before and after the commit point; costs the disk's write-back time)");
  app->add_flag("--incremental", o.incremental,
                "Load only inputs not loaded by earlier runs, appending to the lake");
  app->add_option("--symlink-manifests", flags->symlink_manifests,
                  "Hive symlink manifests (<table>/_symlink_format_manifest/) for Athena, Trino "
                  "and Presto: auto writes them on object stores (s3://) only")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  app->add_flag("-q,--quiet", flags->quiet, "No progress display and no summary on stderr");
  app->set_version_flag("--version", std::string("sparkify ") + SPARKIFY_VERSION);
  cmd.app = app;
  cmd.run = [flags] { return RunEtl(*flags); };
  return cmd;
}

}  // namespace sparkify::cli

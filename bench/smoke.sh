#!/usr/bin/env bash
# CI smoke run of the ETL benchmark: the `small` data set, one run of sparkify and
# one of DuckDB; fails if either fails, prints the figures (not compared to anything:
# CI machines are too noisy for a threshold). Uses the binary CI has just built.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SPARKIFY_BIN:-build/sparkify}
args=(--sizes small --runs 1 --settle 0)  # figures are not compared: no waiting for a quiet disk
[[ -x "$bin" ]] && args+=(--sparkify "$bin")
exec bench/etl_bench.sh "${args[@]}"

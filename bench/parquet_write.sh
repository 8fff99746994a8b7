#!/usr/bin/env bash
# Builds the Parquet write benchmark (Release) and runs it: our writer against
# DuckDB's COPY ... (FORMAT PARQUET), single-threaded, same data, same run.
#   bench/parquet_write.sh [--rows N] [--reps R]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test >/dev/null
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPARKIFY_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target parquet_write_bench parquet_write_snappy_bench
build-bench/bench/parquet_write_bench "$@"

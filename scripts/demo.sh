#!/usr/bin/env bash
# Builds sparkify, generates a sample data set, runs the ETL into ./lake and
# prints the summary and a few rows. Needs nothing but a Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPARKIFY_BUILD_TESTS=OFF -DSPARKIFY_BUILD_BENCH=OFF >/dev/null
cmake --build build -j"$(nproc)" --target sparkify
rm -rf demo lake
./build/sparkify generate --songs 2000 --events 200000 --bad-lines 5 --seed 42 --out demo
./build/sparkify etl --songs demo/song_data --logs demo/log_data --out lake
echo
echo "== lake =="
find lake -maxdepth 1 | sort
first=$(find lake/songplays/ -name '*.parquet' | sort | head -1)  # table folders are symlinks
echo "== first rows of $first =="
./build/sparkify inspect "$first" --rows 5

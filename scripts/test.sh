#!/usr/bin/env bash
# Builds everything and runs every test: unit, end-to-end, interop with DuckDB and
# hyparquet, and S3 against a real local server (OpenStack Swift + s3api).
#   scripts/test.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
BUILD=${BUILD_DIR:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
if [[ -x tests/s3/swift-server.sh ]]; then
  eval "$(tests/s3/swift-server.sh start)"   # exports SPARKIFY_TEST_S3_* for the S3 tests
fi
cd "$BUILD"
ctest --output-on-failure -j"$(nproc)" "$@"

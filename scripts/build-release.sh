#!/usr/bin/env bash
# Builds the optimized sparkify binary: Release with profile-guided optimization
# (GCC). An instrumented build runs a training job on data it generates itself
# (a seed and size no benchmark uses), and the release build is compiled with
# the profile: the parser's and writer's branches laid out for real records.
#
#   scripts/build-release.sh [--no-pgo] [BUILD_DIR]    (default: build-release)
#
# The binary is BUILD_DIR/sparkify. The instrumented build and its profile live
# in BUILD_DIR-pgo; the training runs again only when that build's binary
# changed. Without GCC, or when a step of the profile build fails, it says so
# and builds a plain Release binary instead; --no-pgo does that directly.
set -euo pipefail
cd "$(dirname "$0")/.."

pgo=1
retrained=0
build=build-release
while (($#)); do
  case "$1" in
    --no-pgo) pgo=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "build-release: unknown option $1" >&2; exit 2 ;;
    *) build=$1; shift ;;
  esac
done
gen="$build-pgo"
profile="$PWD/$gen/profile"
common=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DSPARKIFY_BUILD_TESTS=OFF -DSPARKIFY_BUILD_BENCH=OFF)

# The instrumented build, and its profile from one training run (every step
# chained: a function called from `if` runs without errexit).
train() {
  cmake -S . -B "$gen" "${common[@]}" -DSPARKIFY_PGO=generate -DSPARKIFY_PGO_DIR="$profile" \
    >/dev/null &&
    cmake --build "$gen" -j"$(nproc)" --target sparkify >/dev/null || return 1
  if [[ -f "$profile/.trained" && ! "$gen/sparkify" -nt "$profile/.trained" ]]; then
    return 0  # the profile is of this very binary
  fi
  echo "build-release: training run for the profile (instrumented build in $gen)" >&2
  rm -rf "$profile" "$gen/train-lake" && mkdir -p "$profile" || return 1
  # ~60 MB of logs in 4 day files (each read as a range, as big logs are) and
  # 4,000 one-song files: the log stream, the songplay and time files, and
  # thousands of small partition files. Rejects included.
  if [[ ! -f "$gen/train/.done" ]]; then
    rm -rf "$gen/train" &&
      "$gen/sparkify" generate --songs 4000 --events 120000 --bad-lines 20 --days 4 --seed 7 \
        --out "$gen/train" >/dev/null 2>&1 &&
      touch "$gen/train/.done" || return 1
  fi
  "$gen/sparkify" etl -q --songs "$gen/train/song_data" --logs "$gen/train/log_data" \
    --out "$gen/train-lake" --threads 2 >/dev/null &&
    touch "$profile/.trained" && retrained=1
}

if ((pgo)) && ! "${CXX:-c++}" --version 2>/dev/null | grep -qi "free software foundation"; then
  echo "build-release: the compiler is not GCC; building without profile-guided optimization" >&2
  pgo=0
fi
if ((pgo)) && ! train; then
  echo "build-release: the profile build failed; building without profile-guided optimization" >&2
  pgo=0
fi
if ((pgo)); then
  cmake -S . -B "$build" "${common[@]}" -DSPARKIFY_PGO=use -DSPARKIFY_PGO_DIR="$profile" >/dev/null
  # Objects are not rebuilt for a new profile by themselves: a build of
  # unchanged sources would keep the old profile's layout.
  if ((retrained)); then cmake --build "$build" --target clean >/dev/null; fi
else
  cmake -S . -B "$build" "${common[@]}" -DSPARKIFY_PGO= >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target sparkify >/dev/null
echo "$build/sparkify"

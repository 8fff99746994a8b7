#!/usr/bin/env bash
# The sparkify ETL against the same job in DuckDB (bench/etl_duckdb.mjs), on data
# sets made by `sparkify generate`. Prints, per data set and engine, the median of
# N runs of: wall and CPU seconds, peak RSS, input MB/s and events/s; then the
# wall-time ratio and the row counts of each lake (they should agree).
#
#   bench/etl_bench.sh [--sizes small,1g,5g,catalogue] [--runs 3] [--threads 2]
#                      [--engines sparkify,duckdb] [--cache DIR] [--sparkify BIN] [--seed 1]
#                      [--duckdb-memory 8GB] [--settle 360]
#
# Sizes (logs over 30 days; generated once, then reused from the cache):
#   small      ~50 MB of logs,  110,000 events, 15,000-song catalogue
#   1g         ~1 GB of logs,  2,150,000 events, 15,000-song catalogue
#   5g         ~5 GB of logs, 10,750,000 events, 15,000-song catalogue
#   catalogue  200,000 one-song files (~55 MB), 20,000 events
# Without --sparkify the script builds the optimized binary with
# scripts/build-release.sh (Release, profile-guided with GCC) in build-release/. Each lake
# stays in the cache (out-ENGINE-SIZE) until the next run of that size replaces it.
# Measurements come from /usr/bin/time (Debian package `time`); the page cache is
# warm after generation, so these are warm-cache figures.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=small runs=3 threads=2 engines=sparkify,duckdb seed=1
cache=${SPARKIFY_BENCH_CACHE:-.cache/bench}
sparkify="" duckdb_memory=8GB settle=360
while (($#)); do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --engines) engines=$2; shift 2 ;;
    --cache) cache=$2; shift 2 ;;
    --sparkify) sparkify=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --duckdb-memory) duckdb_memory=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "etl_bench: unknown argument $1" >&2; exit 2 ;;
  esac
done

generate_args() {  # the `sparkify generate` options of a size
  case "$1" in
    small) echo "--songs 15000 --events 110000" ;;
    1g) echo "--songs 15000 --events 2150000" ;;
    5g) echo "--songs 15000 --events 10750000" ;;
    catalogue) echo "--songs 200000 --events 20000" ;;
    *) echo "etl_bench: unknown size $1 (small, 1g, 5g, catalogue)" >&2; return 2 ;;
  esac
}

# --- tools ---
if [[ ! -x /usr/bin/time || ! -d tools/node_modules/@duckdb/node-api ]] || ! command -v node >/dev/null; then
  scripts/install-deps.sh --test
fi
if [[ -z "$sparkify" ]]; then
  sparkify=$(scripts/build-release.sh)  # profile-guided where the compiler is GCC
fi
[[ -x "$sparkify" ]] || { echo "etl_bench: no sparkify binary at $sparkify" >&2; exit 2; }
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- helpers ---
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
file_bytes() { find "$1" -type f -name '*.json' -printf '%s\n' | awk '{s+=$1} END {printf "%.0f\n", s}'; }

dataset() {  # generates data set $1 into the cache unless it is there already
  local size=$1 dir="$cache/$1" args
  args="$(generate_args "$size") --bad-lines 20 --days 30 --seed $seed"
  if [[ ! -f "$dir/generate.args" || "$(cat "$dir/generate.args")" != "$args" ]]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    echo "generating $size: sparkify generate $args" >&2
    # shellcheck disable=SC2086
    "$sparkify" generate $args --out "$dir" 2> "$dir/generate.txt" || {
      cat "$dir/generate.txt" >&2; return 1; }
    echo "$args" > "$dir/generate.args"
  fi
}

# An earlier lake is moved aside, not deleted, before a run, and the moved
# lakes are deleted when the script ends: on ext4 without a journal (this
# machine's disk) the inode allocator skips every inode freed in the last
# minute or more, one inode-table lookup each, so creating a lake's thousands
# of files and folders right after deleting the previous one cost sparkify
# over a third of its CPU time on 1g (perf: find_inode_bit/recently_deleted).
# That measures the file system's recent deletions, not the engines.
# The deletion at the end still slows whatever creates files in the next few
# minutes, such as the next run of this script: ext4 keeps a freed inode from
# reuse for 60 s, or 300 s more while its inode-table block is not yet written
# back. So the end time of the deletion is kept, and a run that starts sooner
# than --settle seconds after it waits first (--settle 0: do not wait).
trash="$cache/.trash"
deleted_at="$cache/.trash-deleted-at"
if ((settle > 0)) && [[ -f "$deleted_at" ]]; then
  wait_s=$(( $(cat "$deleted_at") + settle - $(date +%s) ))
  if ((wait_s > 0)); then
    echo "etl_bench: the previous run deleted its lakes $((settle - wait_s)) s ago;" \
      "waiting ${wait_s} s for the file system to settle (--settle 0 skips this)" >&2
    sleep "$wait_s"
  fi
fi
# The disk may still be busy after the deletion has settled: deleting a 5g
# run's lakes made this VM's disk discard and write back for minutes, and a
# 1g run timed in that (the share of time some task waited for I/O,
# /proc/pressure/io, was 40%) took 2.0 s instead of 1.0-1.1 s. So each
# engine's runs wait (up to --settle seconds) until that share over the last
# 10 s is under 1%, and the table shows it as io% beside the load.
io_pressure() { sed -n 's/^some avg10=\([0-9.]*\).*/\1/p' /proc/pressure/io 2>/dev/null; }
wait_for_quiet_disk() {
  [[ -n "$(io_pressure)" ]] || return 0  # no pressure stall information on this kernel
  local waited=0
  while ((waited < settle)) && awk -v p="$(io_pressure)" 'BEGIN {exit !(p >= 1)}'; do
    ((waited == 0)) && echo "etl_bench: the disk is busy (I/O pressure $(io_pressure)%);" \
      "waiting for it to settle" >&2
    sleep 5
    waited=$((waited + 5))
  done
}
mkdir -p "$trash"
delete_trash() {
  rm -rf "$tmp"
  if [[ -n "$(ls -A "$trash" 2>/dev/null)" ]]; then
    # Stamped before too: a run started while this one deletes waits as well.
    date +%s > "$deleted_at"
    rm -rf "$trash"
    date +%s > "$deleted_at"
  else
    rm -rf "$trash"
  fi
}
trap delete_trash EXIT

# Every run starts from the same state, prepared untimed:
#  - the earlier runs' lakes written back (sync): a catalogue lake is 306,000
#    new folders and files, and a run that started while the one before was
#    being flushed took 10.3 s instead of 6.8 s;
#  - the inputs in the page cache: without this the first engine paid the disk
#    for whatever the kernel had evicted (a 5g run read most of its 5 GB from
#    the virtual disk: 16.3 s instead of ~4 s, and DuckDB then ran on the cache
#    that run had filled). The development VM pages out what has been idle
#    for a minute (docs/performance.md, session 10), and a sync can take that
#    long, so they are read again after it, before every run.
#  - the engine's own program in the page cache, for the same reason: the
#    sparkify binary and the 36 libraries it loads, node and DuckDB's 70 MB
#    library. A run that started with them paged out waited on the disk for
#    its dynamic loader (seen as _dl_map_object faults in D state).
warm_inputs() { find "$1/song_data" "$1/log_data" -type f -name '*.json' -exec cat {} + > /dev/null; }
warm_program() {  # warm_program FILE...: the files and the shared libraries they load
  local f
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    cat "$f" > /dev/null
    ldd "$f" 2>/dev/null | awk '$3 ~ /^\// {print $3}' | xargs -r cat > /dev/null
  done
}
duckdb_lib_dir=tools/node_modules/@duckdb/node-bindings-linux-x64

run_engine() {  # run_engine ENGINE DATA_DIR OUT_DIR -> "wall cpu rss_kb" on stdout
  local engine=$1 data=$2 out=$3
  if [[ -e "$out" ]]; then mv "$out" "$(mktemp -d "$trash/lake.XXXXXX")/"; fi
  sync
  warm_inputs "$data"
  case "$engine" in
    sparkify) warm_program "$sparkify" ;;
    duckdb) warm_program "$(command -v node)" "$duckdb_lib_dir/duckdb.node" ;;
  esac
  local cmd
  case "$engine" in
    sparkify) cmd=("$sparkify" etl --songs "$data/song_data" --logs "$data/log_data" --out "$out"
                   --threads "$threads") ;;
    duckdb) cmd=(node bench/etl_duckdb.mjs --songs "$data/song_data" --logs "$data/log_data"
                 --out "$out" --threads "$threads" --memory-limit "$duckdb_memory") ;;
    *) echo "etl_bench: unknown engine $engine" >&2; return 2 ;;
  esac
  if ! /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "${cmd[@]}" >"$tmp/out" 2>"$tmp/err"; then
    echo "etl_bench: $engine failed on $data:" >&2
    tail -20 "$tmp/err" >&2
    return 1
  fi
  # What each engine says about its run (step timings, row counts), for docs/performance.md.
  local keep="$cache/last-$engine-$(basename "$data")"
  cp "$tmp/out" "$keep.out"
  cp "$tmp/err" "$keep.err"
  [[ -f "$out/_run_summary.json" ]] && cp "$out/_run_summary.json" "$keep.summary.json"
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$tmp/time"
}

IFS=, read -r -a size_list <<< "$sizes"
IFS=, read -r -a engine_list <<< "$engines"
summary=()
printf '%-10s %-9s %9s %11s %8s %8s %8s %9s %11s %6s %5s\n' size engine input_MB events wall_s cpu_s rss_MB MB/s events/s load io%
for size in "${size_list[@]}"; do
  generate_args "$size" >/dev/null
  dataset "$size"
  data="$cache/$size"
  bytes=$(( $(file_bytes "$data/song_data") + $(file_bytes "$data/log_data") ))
  events=$(sed -n 's/^log_data: *[0-9]* files, \([0-9]*\) events.*/\1/p' "$data/generate.txt")
  declare -A wall_of=()
  for engine in "${engine_list[@]}"; do
    : > "$tmp/runs"
    wait_for_quiet_disk
    load=$(cut -d' ' -f1 /proc/loadavg)  # 1-minute load average before the runs: others share the cores
    io=$(io_pressure)
    for ((r = 0; r < runs; r++)); do
      run_engine "$engine" "$data" "$cache/out-$engine-$size" >> "$tmp/runs"
    done
    wall=$(cut -d' ' -f1 "$tmp/runs" | median)
    cpu=$(cut -d' ' -f2 "$tmp/runs" | median)
    rss=$(cut -d' ' -f3 "$tmp/runs" | median)
    wall_of[$engine]=$wall
    awk -v s="$size" -v e="$engine" -v b="$bytes" -v n="$events" -v w="$wall" -v c="$cpu" \
        -v m="$rss" -v l="$load" -v io="${io:--}" 'BEGIN {printf "%-10s %-9s %9.1f %11d %8.2f %8.2f %8.0f %9.1f %11.0f %6s %5s\n",
                            s, e, b/1e6, n, w, c, m/1024, b/1e6/w, n/w, l, io}'
    counts=$(node bench/etl_count.mjs "$cache/out-$engine-$size" 2>/dev/null || echo '{}')
    summary+=("$size $engine rows $counts")
    summary+=("$size $engine wall s of each run: $(cut -d' ' -f1 "$tmp/runs" | tr '\n' ' ')")
  done
  if [[ -n "${wall_of[sparkify]:-}" && -n "${wall_of[duckdb]:-}" ]]; then
    summary+=("$size duckdb/sparkify wall-time ratio: $(awk -v d="${wall_of[duckdb]}" \
      -v s="${wall_of[sparkify]}" 'BEGIN {printf "%.2f", d/s}')")
  fi
  unset wall_of
done
echo
echo "median of $runs run(s), $threads thread(s), warm page cache; $(nproc) cores on $(hostname);" \
  "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "${summary[@]}"

#!/usr/bin/env bash
# S3 benchmark: sparkify's S3 file system against awscli v2 (`aws s3 sync`), both
# through the fault proxy adding latency to every request, against the local
# Swift + s3api server (tests/s3/swift-server.sh, started if needed).
#   1. read: N small song-like objects (default 15,000; the size of the public
#      song_data prefix) - list + ReadMany at the default concurrency vs
#      `/usr/bin/aws s3 sync s3://... DIR` (or $AWS_CLI);
#   2. write: a local lake of M partition files (default 3,000) - 2 writer
#      threads with write-behind, as the ETL's pool writes (Close() queues the
#      PUT, one WaitForWrites() at the end) vs `aws s3 sync DIR s3://...`.
# Each is measured twice: server-bound (every request reaches Swift) and
# client-bound, through a second proxy in replay mode (s3_fault_proxy --replay 1:
# GETs a first pass fetched are answered from the proxy's memory, PUTs are
# answered without the server), with the same latency. Prints objects/s
# (files/s) for each and the ratio, the client CPU and the Swift server's CPU
# per object (from the process groups under SPARKIFY_SWIFT_DIR/run).
#   bench/s3_bench.sh [--objects N] [--files M] [--latency-ms L] [--threads T]
#                     [--write-threads W] [--skip-read] [--skip-replay]
# The N objects stay in the bucket between runs (uploading them takes minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
OBJECTS=15000
FILES=3000
LATENCY=20
THREADS=32
WRITE_THREADS=2
SKIP_READ=0
SKIP_REPLAY=0
while (($#)); do
  case $1 in
    --objects) OBJECTS=$2; shift 2 ;;
    --files) FILES=$2; shift 2 ;;
    --latency-ms) LATENCY=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --write-threads) WRITE_THREADS=$2; shift 2 ;;
    --skip-read) SKIP_READ=1; shift ;;
    --skip-replay) SKIP_REPLAY=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
BUILD=${BUILD_DIR:-build}
[[ -f "$BUILD/build.ninja" ]] || cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target s3_bench s3_fault_proxy >/dev/null
BENCH="$BUILD/bench/s3_bench"
# Debian's awscli v2, not whichever `aws` comes first in PATH (a pip-installed v1 may).
AWS=${AWS_CLI:-/usr/bin/aws}

eval "$(tests/s3/swift-server.sh start)"
export AWS_ACCESS_KEY_ID=$SPARKIFY_TEST_S3_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SPARKIFY_TEST_S3_SECRET_KEY
export AWS_REGION=us-east-1
unset AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_PROFILE
BUCKET=$SPARKIFY_TEST_S3_BUCKET
SRC="s3://$BUCKET/bench/song_data_$OBJECTS"
UPSTREAM_PORT=${SPARKIFY_TEST_S3_ENDPOINT##*:}

STATE=${SPARKIFY_SWIFT_DIR:-/tmp/sparkify-swift}

WORK=$(mktemp -d /tmp/sparkify-s3-bench.XXXXXX)
PROXY_PIDS=()
cleanup() {
  local pid
  for pid in "${PROXY_PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== uploading $OBJECTS objects to $SRC (once; kept between runs)" >&2
"$BENCH" put --uri "$SRC" --count "$OBJECTS" --endpoint "$SPARKIFY_TEST_S3_ENDPOINT" >&2

# start_proxy NAME [FLAGS...]: a fault proxy adding the latency; its endpoint
# in $ENDPOINT (not printed: a $(...) subshell would lose its pid for cleanup).
start_proxy() {
  local name=$1
  shift
  "$BUILD/tests/s3/s3_fault_proxy" --upstream-port "$UPSTREAM_PORT" --latency-ms "$LATENCY" \
    "$@" >"$WORK/$name.port" 2>"$WORK/$name.log" &
  PROXY_PIDS+=($!)
  for _ in $(seq 50); do [[ -s "$WORK/$name.port" ]] && break; sleep 0.1; done
  ENDPOINT="http://127.0.0.1:$(head -1 "$WORK/$name.port")"
}
start_proxy proxy
PROXY=$ENDPOINT
echo "== proxy $PROXY adds ${LATENCY} ms per request" >&2
if ((!SKIP_REPLAY)); then
  start_proxy replay --replay 1
  RPROXY=$ENDPOINT
  echo "== replay proxy $RPROXY: ${LATENCY} ms per request, repeated GETs and PUTs answered" \
    "without the server" >&2
fi

now() { date +%s.%N; }
# CPU ticks (user + system) of every process of the Swift server (each server is
# its own process group, its pid in $STATE/run; memcached too).
server_ticks() {
  local t=0 f p
  for f in "$STATE"/run/*.pid; do
    [[ -f "$f" ]] || continue
    for p in $(pgrep -g "$(cat "$f")"); do
      t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
  done
  echo "$t"
}
HZ=$(getconf CLK_TCK)
TIME=(/usr/bin/time -f "%U %S")
# phase NAME CMD...: runs CMD (stdout to $WORK/NAME.out) and writes
# "wall_seconds client_cpu_seconds server_cpu_seconds" to $WORK/NAME.m.
phase() {
  local name=$1 t0 t1 s0 s1
  shift
  s0=$(server_ticks)
  t0=$(now)
  "${TIME[@]}" -o "$WORK/$name.cpu" "$@" >"$WORK/$name.out"
  t1=$(now)
  s1=$(server_ticks)
  awk -v a="$t0" -v b="$t1" -v s=$((s1 - s0)) -v hz="$HZ" \
    '{ printf "%.3f %.2f %.2f\n", b - a, $1 + $2, s / hz }' "$WORK/$name.cpu" >"$WORK/$name.m"
  echo "   $name: $(cat "$WORK/$name.out") (wall, client CPU, server CPU s: $(cat "$WORK/$name.m"))" >&2
}
# Rate of a phase for COUNT objects (wall time, process start included for both clients).
rate() { awk -v n="$2" '{ printf "%.1f", n / $1 }' "$WORK/$1.m"; }
cpu_ms() { awk -v n="$2" -v f="$3" '{ printf "%.2f", $f * 1000 / n }' "$WORK/$1.m"; }
ROWS=()
# row LABEL OURS AWS COUNT: one line of the table from two phases.
row() {
  local label=$1 ours=$2 aws=$3 n=$4 r1 r2
  r1=$(rate "$ours" "$n")
  r2=$(rate "$aws" "$n")
  ROWS+=("$(printf '%-44s %9s %9s %7s %9s %9s %9s %9s' "$label" "$r1" "$r2" \
    "$(awk -v a="$r1" -v b="$r2" 'BEGIN { printf "%.2fx", a / b }')" \
    "$(cpu_ms "$ours" "$n" 2)" "$(cpu_ms "$aws" "$n" 2)" \
    "$(cpu_ms "$ours" "$n" 3)" "$(cpu_ms "$aws" "$n" 3)")")
}
count_files() { find "$1" -type f | wc -l; }
# read_pass TAG ENDPOINT LABEL: sparkify then aws s3 sync read the prefix
# through ENDPOINT; one row of the table.
read_pass() {
  local tag=$1 endpoint=$2 label=$3 n
  phase "$tag-ours" "$BENCH" read --uri "$SRC" --endpoint "$endpoint"
  phase "$tag-aws" "$AWS" s3 sync "$SRC" "$WORK/aws-read" --endpoint-url "$endpoint" \
    --only-show-errors
  n=$(count_files "$WORK/aws-read")
  ((n == OBJECTS)) || { echo "aws s3 sync fetched $n of $OBJECTS objects" >&2; exit 1; }
  rm -rf "$WORK/aws-read"
  row "$label" "$tag-ours" "$tag-aws" "$OBJECTS"
}

if ((!SKIP_READ)); then
  echo "== read $OBJECTS objects, server-bound: sparkify (list + ReadMany), then aws s3 sync" >&2
  # Through the replay proxy, which forwards every request of a first pass.
  read_pass read "${RPROXY:-$PROXY}" "read $OBJECTS objects (obj/s)"
  if ((!SKIP_REPLAY)); then
    echo "== read $OBJECTS objects, client-bound (replayed): sparkify, then aws s3 sync" >&2
    read_pass rread "$RPROXY" "read $OBJECTS objects, replayed (obj/s)"
  fi
fi

echo "== write: generating a local lake of $FILES partition files" >&2
"$BENCH" genlake --from "$WORK/lake" --count "$FILES"
RUN=$$
echo "== write $FILES files, server-bound: sparkify ($WRITE_THREADS writers, write-behind)," \
  "sparkify ($THREADS x Write()), aws s3 sync" >&2
phase write-ours "$BENCH" write --uri "s3://$BUCKET/bench/lake-ours-$RUN" --from "$WORK/lake" \
  --threads "$WRITE_THREADS" --endpoint "$PROXY"
# The previous way, for the before/after comparison: FileSystem::Write from
# $THREADS threads, one PUT at a time each.
phase wsync-ours "$BENCH" write --uri "s3://$BUCKET/bench/lake-sync-$RUN" --from "$WORK/lake" \
  --threads "$THREADS" --write-behind 0 --endpoint "$PROXY"
phase write-aws "$AWS" s3 sync "$WORK/lake" "s3://$BUCKET/bench/lake-aws-$RUN" \
  --endpoint-url "$PROXY" --only-show-errors
row "write $FILES lake files (files/s)" write-ours write-aws "$FILES"
row "write, $THREADS x Write() (files/s)" wsync-ours write-aws "$FILES"
if ((!SKIP_REPLAY)); then
  echo "== write $FILES files, client-bound (PUTs answered by the proxy)" >&2
  phase rwrite-ours "$BENCH" write --uri "s3://$BUCKET/bench/lake-rours-$RUN" \
    --from "$WORK/lake" --threads "$WRITE_THREADS" --endpoint "$RPROXY"
  phase rwrite-aws "$AWS" s3 sync "$WORK/lake" "s3://$BUCKET/bench/lake-raws-$RUN" \
    --endpoint-url "$RPROXY" --only-show-errors
  row "write $FILES lake files, replayed (files/s)" rwrite-ours rwrite-aws "$FILES"
fi
for lake in ours sync aws; do
  "$BENCH" delete --uri "s3://$BUCKET/bench/lake-$lake-$RUN" \
    --endpoint "$SPARKIFY_TEST_S3_ENDPOINT" >/dev/null
done

echo
printf '%-44s %9s %9s %7s %9s %9s %9s %9s\n' "+${LATENCY} ms/request" sparkify awscli ratio \
  "cpu ours" "cpu aws" "srv ours" "srv aws"
printf '%s\n' "${ROWS[@]}"
echo "(rates: objects per second of wall time; cpu: client CPU ms per object; srv: Swift"
echo " server CPU ms per object, all its processes; load average $(cut -d' ' -f1-3 /proc/loadavg);"
echo " the server shares the machine's $(nproc) cores with both clients)"

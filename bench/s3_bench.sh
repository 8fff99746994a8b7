#!/usr/bin/env bash
# S3 benchmark: sparkify's S3 file system against awscli v2 (`aws s3 sync`), both
# through the fault proxy adding latency to every request, against the local
# Swift + s3api server (tests/s3/swift-server.sh, started if needed).
#   1. read: N small song-like objects (default 15,000; the size of the public
#      song_data prefix) - list + ReadMany at the default concurrency vs
#      `aws s3 sync s3://... DIR`;
#   2. write: a local lake of M partition files (default 3,000) - 2 writer
#      threads with write-behind, as the ETL's pool writes (Close() queues the
#      PUT, one WaitForWrites() at the end) vs `aws s3 sync DIR s3://...`.
# Prints objects/s (files/s) for each and the ratio.
#   bench/s3_bench.sh [--objects N] [--files M] [--latency-ms L] [--threads T]
#                     [--write-threads W] [--skip-read]
# The N objects stay in the bucket between runs (uploading them takes minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
OBJECTS=15000
FILES=3000
LATENCY=20
THREADS=32
WRITE_THREADS=2
SKIP_READ=0
while (($#)); do
  case $1 in
    --objects) OBJECTS=$2; shift 2 ;;
    --files) FILES=$2; shift 2 ;;
    --latency-ms) LATENCY=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --write-threads) WRITE_THREADS=$2; shift 2 ;;
    --skip-read) SKIP_READ=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
BUILD=${BUILD_DIR:-build}
[[ -f "$BUILD/build.ninja" ]] || cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target s3_bench s3_fault_proxy >/dev/null
BENCH="$BUILD/bench/s3_bench"

eval "$(tests/s3/swift-server.sh start)"
export AWS_ACCESS_KEY_ID=$SPARKIFY_TEST_S3_ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SPARKIFY_TEST_S3_SECRET_KEY
export AWS_REGION=us-east-1
unset AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 AWS_PROFILE
BUCKET=$SPARKIFY_TEST_S3_BUCKET
SRC="s3://$BUCKET/bench/song_data_$OBJECTS"
UPSTREAM_PORT=${SPARKIFY_TEST_S3_ENDPOINT##*:}

WORK=$(mktemp -d /tmp/sparkify-s3-bench.XXXXXX)
PROXY_PID=""
cleanup() {
  [[ -n "$PROXY_PID" ]] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== uploading $OBJECTS objects to $SRC (once; kept between runs)" >&2
"$BENCH" put --uri "$SRC" --count "$OBJECTS" --endpoint "$SPARKIFY_TEST_S3_ENDPOINT" >&2

"$BUILD/tests/s3/s3_fault_proxy" --upstream-port "$UPSTREAM_PORT" --latency-ms "$LATENCY" \
  >"$WORK/port" 2>"$WORK/proxy.log" &
PROXY_PID=$!
for _ in $(seq 50); do [[ -s "$WORK/port" ]] && break; sleep 0.1; done
PROXY="http://127.0.0.1:$(head -1 "$WORK/port")"
echo "== proxy $PROXY adds ${LATENCY} ms per request" >&2

now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }
# Client CPU (user + system) in ms per object, from /usr/bin/time's "%U %S".
cpu_per() { awk -v n="$2" '{ printf "%.2f", ($1 + $2) * 1000 / n }' "$1"; }
TIME=(/usr/bin/time -f "%U %S")

ours_rate=0 aws_rate=1
echo "0 0" >"$WORK/cpu-read-ours"; echo "0 0" >"$WORK/cpu-read-aws"
if ((!SKIP_READ)); then
  echo "== read: sparkify (list + ReadMany, default concurrency)" >&2
  ours=$("${TIME[@]}" -o "$WORK/cpu-read-ours" "$BENCH" read --uri "$SRC" --endpoint "$PROXY")
  echo "$ours" >&2
  ours_rate=$(sed -E 's/.*objects_per_s=([0-9.]+).*/\1/' <<<"$ours")

  echo "== read: aws s3 sync (awscli defaults)" >&2
  t0=$(now)
  "${TIME[@]}" -o "$WORK/cpu-read-aws" \
    aws s3 sync "$SRC" "$WORK/aws-read" --endpoint-url "$PROXY" --only-show-errors
  t1=$(now)
  aws_count=$(find "$WORK/aws-read" -type f | wc -l)
  aws_rate=$(rate "$aws_count" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
  echo "objects=$aws_count objects_per_s=$aws_rate" >&2
fi

echo "== write: generating a local lake of $FILES partition files" >&2
"$BENCH" genlake --from "$WORK/lake" --count "$FILES"
LAKE_OURS="s3://$BUCKET/bench/lake-ours-$$"
LAKE_AWS="s3://$BUCKET/bench/lake-aws-$$"
echo "== write: sparkify ($WRITE_THREADS writers, write-behind)" >&2
wours=$("${TIME[@]}" -o "$WORK/cpu-write-ours" "$BENCH" write --uri "$LAKE_OURS" \
          --from "$WORK/lake" --threads "$WRITE_THREADS" --endpoint "$PROXY")
echo "$wours" >&2
wours_rate=$(sed -E 's/.*files_per_s=([0-9.]+).*/\1/' <<<"$wours")
# The previous way, for the before/after comparison: FileSystem::Write from
# $THREADS threads, one PUT at a time each.
LAKE_SYNC="s3://$BUCKET/bench/lake-sync-$$"
echo "== write: sparkify ($THREADS writers, Write(), no write-behind)" >&2
wsync=$("$BENCH" write --uri "$LAKE_SYNC" --from "$WORK/lake" --threads "$THREADS" \
          --write-behind 0 --endpoint "$PROXY")
echo "$wsync" >&2
wsync_rate=$(sed -E 's/.*files_per_s=([0-9.]+).*/\1/' <<<"$wsync")
echo "== write: aws s3 sync (awscli defaults)" >&2
t0=$(now)
"${TIME[@]}" -o "$WORK/cpu-write-aws" \
  aws s3 sync "$WORK/lake" "$LAKE_AWS" --endpoint-url "$PROXY" --only-show-errors
t1=$(now)
waws_rate=$(rate "$FILES" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
echo "files=$FILES files_per_s=$waws_rate" >&2
"$BENCH" delete --uri "$LAKE_OURS" --endpoint "$SPARKIFY_TEST_S3_ENDPOINT" >/dev/null
"$BENCH" delete --uri "$LAKE_SYNC" --endpoint "$SPARKIFY_TEST_S3_ENDPOINT" >/dev/null
"$BENCH" delete --uri "$LAKE_AWS" --endpoint "$SPARKIFY_TEST_S3_ENDPOINT" >/dev/null

echo
printf '%-34s %12s %12s %8s\n' "S3 benchmark (+${LATENCY} ms/request)" sparkify awscli ratio
printf '%-34s %12s %12s %8s\n' "read $OBJECTS small objects (obj/s)" "$ours_rate" "$aws_rate" \
  "$(awk -v a="$ours_rate" -v b="$aws_rate" 'BEGIN { printf "%.2fx", a / b }')"
printf '%-34s %12s %12s %8s\n' "write $FILES lake files (files/s)" "$wours_rate" "$waws_rate" \
  "$(awk -v a="$wours_rate" -v b="$waws_rate" 'BEGIN { printf "%.2fx", a / b }')"
printf '%-34s %12s %12s %8s\n' "write, $THREADS x Write() (files/s)" "$wsync_rate" "$waws_rate" \
  "$(awk -v a="$wsync_rate" -v b="$waws_rate" 'BEGIN { printf "%.2fx", a / b }')"
printf '%-34s %12s %12s\n' "read: client CPU ms per object" \
  "$(cpu_per "$WORK/cpu-read-ours" "$OBJECTS")" "$(cpu_per "$WORK/cpu-read-aws" "$OBJECTS")"
printf '%-34s %12s %12s\n' "write: client CPU ms per file" \
  "$(cpu_per "$WORK/cpu-write-ours" "$FILES")" "$(cpu_per "$WORK/cpu-write-aws" "$FILES")"
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg); the Swift server shares the same cores)"

#!/usr/bin/env bash
# A real S3 server for the tests: OpenStack Swift with its s3api middleware, one replica,
# everything on 127.0.0.1 and under one state directory. It checks SigV4 signatures for real.
#
#   eval "$(tests/s3/swift-server.sh start)"   # idempotent; prints the export lines only
#   tests/s3/swift-server.sh stop
#   tests/s3/swift-server.sh env               # prints the export lines of a running server
#
# Only the export lines go to stdout; everything else goes to stderr.
# Swift is a Debian python3 program: it is always run with /usr/bin/python3 (a pyenv
# python3 earlier in PATH would not have its modules).
# Settings (environment): SPARKIFY_SWIFT_DIR (state, default /tmp/sparkify-swift),
# SPARKIFY_SWIFT_PORT (proxy port, default 18480; the storage servers and memcached use the
# next four), SPARKIFY_SWIFT_PROXY_WORKERS (default 2) and SPARKIFY_SWIFT_STORAGE_WORKERS
# (object/container/account servers, default 2): processes per server (read at the first
# start, when the configuration is written).
set -euo pipefail

STATE=${SPARKIFY_SWIFT_DIR:-/tmp/sparkify-swift}
PROXY_PORT=${SPARKIFY_SWIFT_PORT:-18480}
ACCOUNT_PORT=$((PROXY_PORT + 1))
CONTAINER_PORT=$((PROXY_PORT + 2))
OBJECT_PORT=$((PROXY_PORT + 3))
MEMCACHE_PORT=$((PROXY_PORT + 4))
PROXY_WORKERS=${SPARKIFY_SWIFT_PROXY_WORKERS:-2}
STORAGE_WORKERS=${SPARKIFY_SWIFT_STORAGE_WORKERS:-2}
PY=/usr/bin/python3
ACCESS_KEY="test:tester"
SECRET_KEY="testing"
BUCKET="sparkify-test"
ENDPOINT="http://127.0.0.1:${PROXY_PORT}"

log() { echo "swift-server: $*" >&2; }

print_env() {
  echo "export SPARKIFY_TEST_S3_ENDPOINT=${ENDPOINT}"
  echo "export SPARKIFY_TEST_S3_ACCESS_KEY=${ACCESS_KEY}"
  echo "export SPARKIFY_TEST_S3_SECRET_KEY=${SECRET_KEY}"
  echo "export SPARKIFY_TEST_S3_BUCKET=${BUCKET}"
}

# Succeeds when an authenticated Swift request works (tempauth token, then a HEAD of
# the account), which needs the proxy and the account server up.
authenticated_ok() {
  local token
  token=$(curl -sf -m 5 -D - -o /dev/null -H "X-Auth-User: ${ACCESS_KEY}" \
            -H "X-Auth-Key: ${SECRET_KEY}" "${ENDPOINT}/auth/v1.0" 2>/dev/null |
          tr -d '\r' | awk -F': ' 'tolower($1)=="x-auth-token"{print $2}') || return 1
  [[ -n "$token" ]] || return 1
  curl -sf -m 5 -o /dev/null -I -H "X-Auth-Token: ${token}" \
    "${ENDPOINT}/v1/AUTH_test" 2>/dev/null
}

# Creates the test bucket (a Swift container under the test account) if missing.
create_bucket() {
  local token
  token=$(curl -sf -m 5 -D - -o /dev/null -H "X-Auth-User: ${ACCESS_KEY}" \
            -H "X-Auth-Key: ${SECRET_KEY}" "${ENDPOINT}/auth/v1.0" |
          tr -d '\r' | awk -F': ' 'tolower($1)=="x-auth-token"{print $2}')
  curl -sf -m 10 -o /dev/null -X PUT -H "X-Auth-Token: ${token}" \
    "${ENDPOINT}/v1/AUTH_test/${BUCKET}" >&2
}

running() {
  local name=$1 pidfile="$STATE/run/$1.pid"
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

write_configs() {
  mkdir -p "$STATE"/{etc,run,log,node/d1}
  local etc="$STATE/etc"
  cat >"$etc/swift.conf" <<EOF
[swift-hash]
swift_hash_path_suffix = sparkify-test-suffix
swift_hash_path_prefix = sparkify-test-prefix

[storage-policy:0]
name = Policy-0
default = yes
EOF
  local common="swift_dir = $etc
devices = $STATE/node
mount_check = false
bind_ip = 127.0.0.1
workers = $STORAGE_WORKERS
user = $(id -un)
log_level = WARNING
# No per-request log line: formatting one costs CPU on every request.
log_requests = false
disable_fallocate = true"
  cat >"$etc/account-server.conf" <<EOF
[DEFAULT]
$common
bind_port = $ACCOUNT_PORT

[pipeline:main]
pipeline = account-server

[app:account-server]
use = egg:swift#account
EOF
  cat >"$etc/container-server.conf" <<EOF
[DEFAULT]
$common
bind_port = $CONTAINER_PORT

[pipeline:main]
pipeline = container-server

[app:container-server]
use = egg:swift#container
EOF
  cat >"$etc/object-server.conf" <<EOF
[DEFAULT]
$common
bind_port = $OBJECT_PORT

[pipeline:main]
pipeline = object-server

[app:object-server]
use = egg:swift#object
EOF
  # Two proxy workers: the benchmark keeps many requests in flight.
  cat >"$etc/proxy-server.conf" <<EOF
[DEFAULT]
swift_dir = $etc
bind_ip = 127.0.0.1
bind_port = $PROXY_PORT
workers = $PROXY_WORKERS
user = $(id -un)
log_level = WARNING

[pipeline:main]
# Only what s3api needs: every middleware costs CPU on each request, and the
# benchmark measures the client, not the server. (The proxy adds catch_errors,
# gatekeeper, listing_formats, copy and dlo itself if they are missing.)
pipeline = catch_errors gatekeeper cache listing_formats s3api tempauth copy slo dlo proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = ${SECRET_KEY} .admin
user_test2_tester2 = testing2 .admin

[filter:s3api]
use = egg:swift#s3api
location = us-east-1
# Virtual-hosted requests: http://BUCKET.localhost:PORT/key
storage_domain = localhost
max_bucket_listing = 1000
allowable_clock_skew = 900

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:${MEMCACHE_PORT}

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
EOF
}

build_rings() {
  local etc="$STATE/etc"
  local kind port
  for kind in account container object; do
    case $kind in
      account) port=$ACCOUNT_PORT ;;
      container) port=$CONTAINER_PORT ;;
      object) port=$OBJECT_PORT ;;
    esac
    [[ -f "$etc/$kind.ring.gz" ]] && continue
    # 2^6 partitions, 1 replica, min_part_hours 0.
    $PY /usr/bin/swift-ring-builder "$etc/$kind.builder" create 6 1 0 >&2
    $PY /usr/bin/swift-ring-builder "$etc/$kind.builder" add \
      "r1z1-127.0.0.1:${port}/d1" 100 >&2
    $PY /usr/bin/swift-ring-builder "$etc/$kind.builder" rebalance >&2 || true
  done
}

start_one() {
  local name=$1 bin=$2 conf=$3
  running "$name" && return 0
  # setsid: the servers outlive this script and the test run that started it.
  setsid $PY "$bin" "$conf" --verbose >>"$STATE/log/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$STATE/run/$name.pid"
}

start() {
  mkdir -p "$STATE"
  exec 9>"$STATE/.lock"
  flock 9  # concurrent starts (several test runs) wait for the first
  if running proxy && authenticated_ok; then
    create_bucket || true
    print_env
    return 0
  fi
  write_configs
  build_rings
  local etc="$STATE/etc"
  # tempauth keeps its tokens in memcached; the proxy caches account/container info there.
  if ! running memcached; then
    setsid memcached -l 127.0.0.1 -p "$MEMCACHE_PORT" -U 0 -m 64 -u "$(id -un)" \
      >>"$STATE/log/memcached.log" 2>&1 </dev/null 9>&- &
    echo $! >"$STATE/run/memcached.pid"
  fi
  start_one account /usr/bin/swift-account-server "$etc/account-server.conf"
  start_one container /usr/bin/swift-container-server "$etc/container-server.conf"
  start_one object /usr/bin/swift-object-server "$etc/object-server.conf"
  start_one proxy /usr/bin/swift-proxy-server "$etc/proxy-server.conf"
  local i
  for i in $(seq 1 180); do
    if authenticated_ok; then
      create_bucket
      log "up at ${ENDPOINT} (state in ${STATE})"
      print_env
      return 0
    fi
    sleep 0.5
  done
  log "did not come up in 90 s; logs:"
  tail -n 30 "$STATE"/log/*.log >&2 || true
  return 1
}

stop() {
  local name pid
  for name in proxy object container account memcached; do
    if [[ -f "$STATE/run/$name.pid" ]]; then
      pid=$(cat "$STATE/run/$name.pid")
      # setsid made each server its own process group: stop the group (workers too).
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      rm -f "$STATE/run/$name.pid"
    fi
  done
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Installs what building, testing and benchmarking need, from Debian's packages
# and the npm registry only. Idempotent: skips what is already there.
#   scripts/install-deps.sh          build + run deps
#   scripts/install-deps.sh --test   also the test tools (S3 server, npm readers)
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(cmake ninja-build g++ pkg-config libsimdjson-dev libsnappy-dev libzstd-dev zlib1g-dev
      libcurl4-openssl-dev libssl-dev libcli11-dev libfmt-dev)
if [[ "${1:-}" == "--test" ]]; then
  pkgs+=(libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
         swift swift-proxy swift-account swift-container swift-object python3-swift memcached
         awscli python3 time)
fi

missing=()
# Node.js may come from another repository (with its own npm): ask for the
# commands, not for Debian's package names.
if [[ "${1:-}" == "--test" ]] && ! command -v npm >/dev/null; then
  pkgs+=(nodejs npm)
fi
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" ]]; then
  # The independent Parquet readers (DuckDB, hyparquet) the tests compare against.
  if [[ ! -d tools/node_modules/@duckdb/node-api || tools/package.json -nt tools/node_modules ]]; then
    (cd tools && npm install --no-audit --no-fund --loglevel=error) >&2
    touch tools/node_modules
  fi
fi

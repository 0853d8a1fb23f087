#!/usr/bin/env bash
# Installs everything nimbus needs to build, run and test on Debian 12 (as root): Debian packages
# (versions pinned by the Debian 12 release) and the npm packages pinned in package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential g++ cmake ninja-build ccache pkg-config git
  libboost1.74-dev libboost-program-options1.74-dev librocksdb-dev nlohmann-json3-dev
  libsnappy-dev liblz4-dev libzstd-dev libbz2-dev zlib1g-dev libmimalloc-dev
  libpugixml-dev libyaml-cpp-dev libssl-dev libgtest-dev googletest
  clang libclang-rt-14-dev
  python3 python3-boto3 python3-pytest python3-pytest-xdist python3-requests awscli
  nginx-light wrk curl procps
  bubblewrap libzip-dev zip
)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm: AWS service models (aws-sdk v2 apis/), the JS SDK v3 clients used by the tests, and DuckDB
# (libduckdb.so from @duckdb/node-bindings-linux-x64, duckdb.h of the same version from duckdb).
if [ ! -d node_modules/aws-sdk ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # --ignore-scripts: the duckdb package is there for duckdb.h only; its install script would download.
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

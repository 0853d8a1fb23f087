#!/usr/bin/env bash
# Configures and builds nimbus into build/ (build/nimbus is the server). Extra args go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${NIMBUS_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=${NIMBUS_BUILD_TYPE:-RelWithDebInfo} "$@" >/dev/null
ninja -C "$build_dir" ${NIMBUS_BUILD_TARGETS:-}

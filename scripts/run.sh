#!/usr/bin/env bash
# Installs, builds and runs nimbus on 127.0.0.1:4566 with state under ./.nimbus (args go to nimbus).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DNIMBUS_TESTS=OFF
exec build/nimbus "$@"

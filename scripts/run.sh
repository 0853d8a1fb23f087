#!/usr/bin/env bash
# Installs, builds (Release, into build-release/) and runs nimbus on 127.0.0.1:4566 with state under
# ./.nimbus (args go to nimbus). scripts/test.sh keeps its own RelWithDebInfo build in build/, so
# neither rebuilds the other's tree.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
NIMBUS_BUILD_DIR=build-release NIMBUS_BUILD_TYPE=Release NIMBUS_BUILD_TARGETS=nimbus \
  scripts/build.sh -DNIMBUS_TESTS=OFF
exec build-release/nimbus "$@"

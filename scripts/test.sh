#!/usr/bin/env bash
# Installs, builds and runs every test: the integration suites through the real AWS clients
# against build/nimbus, the unit tests (GoogleTest via ctest) under ASan+UBSan, and each libFuzzer
# target for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

# Two builds, each compiled once: the optimized server the integration suites run against, and
# the unit tests (which run only there) under ASan+UBSan. Line tables only (-g1): enough for
# backtraces and sanitizer reports, and full -g costs a quarter more compile time on the
# coroutine-heavy sources.
echo "== build nimbus (RelWithDebInfo, -g1)"
NIMBUS_BUILD_TARGETS=nimbus scripts/build.sh -DNIMBUS_TESTS=ON -DNIMBUS_WERROR=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"

echo "== integration tests (real clients)"
tests/integration/run.sh

echo "== unit tests under ASan+UBSan"
NIMBUS_BUILD_DIR=build-asan NIMBUS_BUILD_TYPE=Debug scripts/build.sh -DNIMBUS_TESTS=ON -DNIMBUS_SANITIZE=ON \
  -DNIMBUS_WERROR=ON -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j2

echo "== fuzzing (${NIMBUS_FUZZ_SECONDS:-60}s per target)"
tests/fuzz/run.sh "${NIMBUS_FUZZ_SECONDS:-60}"
echo "== all tests passed"

#!/usr/bin/env bash
# Installs, builds and runs every test: the integration suites through the real AWS clients
# against build/nimbus, the unit tests (GoogleTest via ctest) under ASan+UBSan, and each libFuzzer
# target for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each phase's wall time, so a slow CI run shows where its time went.
phase_started=$SECONDS
phase() {
  echo "== $* (the step before took $((SECONDS - phase_started)) s)"
  phase_started=$SECONDS
}
scripts/setup.sh

# Two builds, each compiled once: the optimized server the integration suites run against, and
# the unit tests (which run only there) under ASan+UBSan. Line tables only (-g1): enough for
# backtraces and sanitizer reports, and full -g costs a quarter more compile time on the
# coroutine-heavy sources.
phase "build nimbus (RelWithDebInfo, -g1)"
NIMBUS_BUILD_TARGETS=nimbus scripts/build.sh -DNIMBUS_TESTS=ON -DNIMBUS_WERROR=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"

phase "integration tests (real clients)"
tests/integration/run.sh

phase "unit tests under ASan+UBSan: build"
NIMBUS_BUILD_DIR=build-asan NIMBUS_BUILD_TYPE=Debug scripts/build.sh -DNIMBUS_TESTS=ON -DNIMBUS_SANITIZE=ON \
  -DNIMBUS_WERROR=ON -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1"
phase "unit tests under ASan+UBSan: run"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j2

phase "fuzzing (${NIMBUS_FUZZ_SECONDS:-60}s per target)"
tests/fuzz/run.sh "${NIMBUS_FUZZ_SECONDS:-60}"
phase "all tests passed (total $SECONDS s)"

#!/usr/bin/env bash
# Installs, builds and runs every test: the integration suites through the real AWS clients
# against build/nimbus, the unit tests (GoogleTest via ctest) under ASan+UBSan, and each
# libFuzzer target for a bounded time.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each phase's wall time, so a slow CI run shows where its time went.
phase_started=$SECONDS
phase() {
  echo "== $* (the step before took $((SECONDS - phase_started)) s)"
  phase_started=$SECONDS
}
scripts/setup.sh

# Two builds, each compiled once: the server the integration suites run against, and the unit
# tests (which run only there) under ASan+UBSan. The suites test behaviour, not speed, so their
# server is built -O1 (a quarter less compile time than -O2 on the coroutine-heavy sources);
# benchmarks build their own. Line tables only (-g1): enough for backtraces and sanitizer reports.
phase "build nimbus (-O1 -g1)"
NIMBUS_BUILD_TARGETS=nimbus scripts/build.sh -DNIMBUS_TESTS=ON -DNIMBUS_WERROR=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG"

# The suites mostly wait on clients and servers: the ASan+UBSan build uses the idle CPU meanwhile,
# at a lower priority so the suites' timing is unaffected.
asan_log=$(mktemp)
# Its own session (process group), so a failed suite stops the whole build with it.
NIMBUS_BUILD_DIR=build-asan NIMBUS_BUILD_TYPE=Debug setsid nice -n 10 scripts/build.sh -DNIMBUS_TESTS=ON \
  -DNIMBUS_SANITIZE=ON -DNIMBUS_WERROR=ON -DCMAKE_CXX_FLAGS_DEBUG="-O0 -g1" >"$asan_log" 2>&1 &
asan_build=$!

phase "integration tests (real clients), building the ASan+UBSan unit tests meanwhile"
if ! tests/integration/run.sh; then
  kill -- "-$asan_build" 2>/dev/null || true
  exit 1
fi

phase "unit tests under ASan+UBSan: the rest of their build"
if ! wait "$asan_build"; then
  tail -n 200 "$asan_log"
  exit 1
fi
phase "unit tests under ASan+UBSan: run"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j2

phase "fuzzing (${NIMBUS_FUZZ_SECONDS:-20}s per target)"
tests/fuzz/run.sh "${NIMBUS_FUZZ_SECONDS:-20}"
phase "all tests passed (total $SECONDS s)"

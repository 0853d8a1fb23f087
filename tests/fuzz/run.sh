#!/usr/bin/env bash
# Builds the fuzz targets (protocol decoders, Lambda's parsers and code packages, Logs filter
# patterns, EventBridge event patterns) with clang + libFuzzer/ASan/UBSan into build-fuzz/ and runs each for SECONDS
# (default 30). Exits non-zero as soon as a target finds a crash.
set -euo pipefail
seconds="${1:-30}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/build-fuzz"
CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNIMBUS_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  >/dev/null
ninja -C "$build" -j2 query_fuzzer json_fuzzer rest_xml_fuzzer lambda_fuzzer logs_filter_fuzzer \
  events_transform_fuzzer event_pattern_fuzzer schedule_fuzzer
for target in query json rest_xml lambda logs_filter events_transform event_pattern schedule; do
  corpus="$build/fuzz-corpus/$target"
  mkdir -p "$corpus" "$build/fuzz-artifacts/$target"
  echo "== ${target}_fuzzer for ${seconds}s"
  "$build/tests/fuzz/${target}_fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -artifact_prefix="$build/fuzz-artifacts/$target/" "$corpus" "$root/tests/fuzz/corpus/$target"
done

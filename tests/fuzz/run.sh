#!/usr/bin/env bash
# Builds the fuzz targets (protocol decoders, Lambda's parsers and code packages, Logs filter
# patterns, EventBridge event patterns, DynamoDB expressions and PartiQL, Glue partition expressions, Athena's SQL rewrite and
# Hive DDL, API Gateway mapping templates,
# OpenAPI imports, JWTs and
# request body schemas) with clang + libFuzzer/ASan/UBSan into build-fuzz/ and runs each for SECONDS
# (default 30), two at a time (one per core). Fails if any target finds a crash.
set -euo pipefail
seconds="${1:-30}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="$root/build-fuzz"
targets=(query json rest_xml lambda logs_filter events_transform event_pattern schedule dynamodb_expr partiql glue_partition_expression athena_sql athena_ddl vtl openapi jwt json_schema)
CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNIMBUS_FUZZ=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  >/dev/null
ninja -C "$build" -j2 "${targets[@]/%/_fuzzer}"

fuzz() {
  local target=$1 corpus="$build/fuzz-corpus/$1"
  mkdir -p "$corpus" "$build/fuzz-artifacts/$target"
  "$build/tests/fuzz/${target}_fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 \
    -artifact_prefix="$build/fuzz-artifacts/$target/" "$corpus" "$root/tests/fuzz/corpus/$target" \
    >"$build/fuzz-artifacts/$target.log" 2>&1
}

failed=()
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  pair=("${targets[@]:i:2}")
  pids=()
  for target in "${pair[@]}"; do
    echo "== ${target}_fuzzer for ${seconds}s"
    fuzz "$target" &
    pids+=($!)
  done
  for j in "${!pids[@]}"; do
    if ! wait "${pids[$j]}"; then
      failed+=("${pair[$j]}")
      tail -n 60 "$build/fuzz-artifacts/${pair[$j]}.log"
    fi
  done
done
if ((${#failed[@]})); then
  echo "fuzzing found crashes in: ${failed[*]} (inputs under $build/fuzz-artifacts/)" >&2
  exit 1
fi

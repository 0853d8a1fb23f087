#!/usr/bin/env bash
# On-demand benchmarks for nimbus (never run in CI). Builds bench/sqs_load with g++, then measures:
#   startup (spawn -> first answered health request, median of 20), idle RSS,
#   SendMessage, SendMessageBatch, ReceiveMessage+DeleteMessageBatch throughput and p50/p99
#   (32 keep-alive connections), p99 at half of the measured send rate, and RSS over a
#   1,000,000-message send/receive/delete soak.
# References measured in the same run: nginx serving a tiny file (HTTP floor, plus wrk if present)
# and moto's server (pyenv python) for the same SQS operations. Loopback only; every step is bounded.
#
#   BENCH_DURATION=10 BENCH_CONNECTIONS=32 SOAK_MESSAGES=1000000 SOAK_MAX_SECONDS=600
#   BENCH_PREFILL=300000 MOTO_DURATION=5 NIMBUS_BIN=build/nimbus MOTO_PYTHON=python3
#   BENCH_SKIP="soak moto nginx"   (any of: startup load soak nginx moto)
#   bench/run.sh s3   runs the S3 benchmarks instead (bench/s3_bench.sh)
#   bench/run.sh dynamodb   runs the DynamoDB benchmarks instead (bench/dynamodb_bench.sh)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# `bench/run.sh s3 [...]`: the S3 benchmarks (bench/s3_bench.sh, knobs documented there).
if [[ "${1:-}" == "s3" ]]; then
  shift
  exec "$ROOT/bench/s3_bench.sh" "$@"
fi
# `bench/run.sh dynamodb [...]`: the DynamoDB benchmarks (bench/dynamodb_bench.sh, knobs documented there).
if [[ "${1:-}" == "dynamodb" ]]; then
  shift
  exec "$ROOT/bench/dynamodb_bench.sh" "$@"
fi
NIMBUS_BIN="${NIMBUS_BIN:-$ROOT/build/nimbus}"
OUT="$ROOT/build/bench"
GEN="$OUT/sqs_load"
DURATION="${BENCH_DURATION:-10}"
CONNS="${BENCH_CONNECTIONS:-32}"
SOAK_MESSAGES="${SOAK_MESSAGES:-1000000}"
SOAK_MAX_SECONDS="${SOAK_MAX_SECONDS:-600}"
PREFILL="${BENCH_PREFILL:-300000}"
MOTO_DURATION="${MOTO_DURATION:-5}"
MOTO_PYTHON="${MOTO_PYTHON:-python3}"
SKIP=" ${BENCH_SKIP:-} "
WORK="$(mktemp -d /tmp/nimbus-bench.XXXXXX)"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

skipped() { [[ "$SKIP" == *" $1 "* ]]; }
field() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }
free_port() { "$MOTO_PYTHON" - <<'PY' 2>/dev/null || /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])
PY
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }
rss_tree_kib() {  # RSS of a process and its children (nginx master + workers)
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" 2>/dev/null); do
    total=$((total + $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
wait_http() {  # port path — up to 30 s
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$1$2" && return 0
    sleep 0.1
  done
  return 1
}

echo "== building load generator"
mkdir -p "$OUT"
g++ -std=c++20 -O2 -Wall -Wextra -o "$GEN" "$ROOT/bench/sqs_load.cpp" -lpthread || exit 1
[[ -x "$NIMBUS_BIN" ]] || { echo "nimbus binary not found at $NIMBUS_BIN" >&2; exit 1; }

declare -A R  # results: R[nimbus.send]=…, R[moto.send]=…, R[nginx.get]=…

# ---- nimbus -----------------------------------------------------------------------------------
if ! skipped startup; then
  echo "== nimbus startup (median of 20) and idle RSS"
  line=$("$GEN" --mode startup --runs 20 --path /_nimbus/health -- \
    "$NIMBUS_BIN" --host 127.0.0.1 --port '{port}' --data-dir '{dir}')
  echo "$line"
  R[nimbus.startup]=$(field "$line" median_ms)
  R[nimbus.idle_rss]=$(awk -v k="$(field "$line" idle_rss_kib)" 'BEGIN { printf "%.1f", k / 1024 }')
fi

start_nimbus() {
  NPORT=$(free_port)
  "$NIMBUS_BIN" --host 127.0.0.1 --port "$NPORT" --data-dir "$WORK/nimbus-data-$1" --log-level warn \
    >"$WORK/nimbus-$1.out" 2>"$WORK/nimbus-$1.err" &
  NPID=$!
  PIDS+=("$NPID")
  wait_http "$NPORT" /_nimbus/health || { echo "nimbus did not start" >&2; cat "$WORK/nimbus-$1.err" >&2; exit 1; }
}
stop_nimbus() { kill -TERM "$NPID" 2>/dev/null; wait "$NPID" 2>/dev/null; }

if ! skipped load; then
  start_nimbus load
  echo "== nimbus load: $CONNS connections, ${DURATION}s each (port $NPORT)"
  for mode in send batch; do
    line=$("$GEN" --mode "$mode" --port "$NPORT" --connections "$CONNS" --duration "$DURATION")
    echo "$line"
    R[nimbus.$mode]=$(field "$line" msgs_per_s)
    R[nimbus.$mode.p99]=$(field "$line" p99_ms)
  done
  line=$("$GEN" --mode recv --port "$NPORT" --connections "$CONNS" --duration "$DURATION" --prefill "$PREFILL" \
    --queue bench-recv)
  echo "$line"
  R[nimbus.recv]=$(field "$line" msgs_per_s)
  half=$(awk -v r="${R[nimbus.send]:-0}" 'BEGIN { printf "%d", r / 2 }')
  if [[ "$half" -gt 0 ]]; then
    line=$("$GEN" --mode send --port "$NPORT" --connections "$CONNS" --duration "$DURATION" --rate "$half" \
      --queue bench-half)
    echo "$line (fixed rate $half msg/s)"
    R[nimbus.half.p99]=$(field "$line" p99_ms)
    R[nimbus.half.p50]=$(field "$line" p50_ms)
  fi
  stop_nimbus
fi

if ! skipped soak; then
  start_nimbus soak
  echo "== nimbus soak: $SOAK_MESSAGES messages send+receive+delete (max ${SOAK_MAX_SECONDS}s)"
  line=$("$GEN" --mode soak --port "$NPORT" --connections "$CONNS" --pid "$NPID" --messages "$SOAK_MESSAGES" \
    --max-seconds "$SOAK_MAX_SECONDS")
  echo "$line"
  R[nimbus.soak]="$(field "$line" flat) (baseline $(field "$line" baseline_kib) KiB, peak $(field "$line" peak_kib) KiB, final $(field "$line" final_kib) KiB, deleted $(field "$line" deleted))"
  stop_nimbus
fi

# ---- nginx: HTTP floor --------------------------------------------------------------------------
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if ! skipped nginx && [[ -x "$NGINX" ]]; then
  GPORT=$(free_port)
  mkdir -p "$WORK/nginx/logs" "$WORK/nginx/html"
  printf 'ok\n' >"$WORK/nginx/html/tiny"
  chmod 755 "$WORK" "$WORK/nginx" "$WORK/nginx/html" && chmod 644 "$WORK/nginx/html/tiny"  # workers run as www-data
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$GPORT; root $WORK/nginx/html; }
}
EOF
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/logs/error.log" &
  GPID=$!
  PIDS+=("$GPID")
  if wait_http "$GPORT" /tiny; then
    sleep 1
    R[nginx.idle_rss]=$(awk -v k="$(rss_tree_kib "$GPID")" 'BEGIN { printf "%.1f", k / 1024 }')
    echo "== nginx floor (port $GPORT)"
    line=$("$GEN" --mode get --path /tiny --port "$GPORT" --connections "$CONNS" --duration "$DURATION")
    echo "$line"
    R[nginx.get]=$(field "$line" msgs_per_s)
    R[nginx.get.p99]=$(field "$line" p99_ms)
    if command -v wrk >/dev/null; then
      wrk -t1 -c"$CONNS" -d"${DURATION}s" "http://127.0.0.1:$GPORT/tiny" | sed 's/^/  wrk: /'
    fi
  fi
  kill "$GPID" 2>/dev/null; wait "$GPID" 2>/dev/null
fi

# ---- moto: SQS peer ------------------------------------------------------------------------------
if ! skipped moto && "$MOTO_PYTHON" -c 'import moto.server' 2>/dev/null; then
  echo "== moto server (same operations, ${MOTO_DURATION}s each)"
  line=$("$GEN" --mode startup --runs 3 --path /moto-api/ -- "$MOTO_PYTHON" -m moto.server -H 127.0.0.1 -p '{port}')
  echo "$line"
  R[moto.startup]=$(field "$line" median_ms)
  R[moto.idle_rss]=$(awk -v k="$(field "$line" idle_rss_kib)" 'BEGIN { printf "%.1f", k / 1024 }')
  MPORT=$(free_port)
  "$MOTO_PYTHON" -m moto.server -H 127.0.0.1 -p "$MPORT" >"$WORK/moto.log" 2>&1 &
  MPID=$!
  PIDS+=("$MPID")
  if wait_http "$MPORT" /moto-api/; then
    for mode in send batch; do
      line=$("$GEN" --mode "$mode" --port "$MPORT" --connections "$CONNS" --duration "$MOTO_DURATION")
      echo "$line"
      R[moto.$mode]=$(field "$line" msgs_per_s)
      R[moto.$mode.p99]=$(field "$line" p99_ms)
    done
    line=$("$GEN" --mode recv --port "$MPORT" --connections "$CONNS" --duration "$MOTO_DURATION" --prefill 2000 \
      --queue bench-recv)
    echo "$line"
    R[moto.recv]=$(field "$line" msgs_per_s)
  fi
  kill "$MPID" 2>/dev/null; wait "$MPID" 2>/dev/null
fi

# ---- summary -------------------------------------------------------------------------------------
echo
echo "== summary (ratios: nimbus/nginx = share of the HTTP floor; nimbus/moto = times faster, or smaller for time/RSS)"
printf '%-34s %14s %12s %12s %12s %12s %12s\n' figure nimbus target nginx moto nimbus/nginx nimbus/moto
row() {  # name nimbus target nginx moto lower_is_better
  local a b
  if [[ "$6" == lower ]]; then a=$(ratio "$2" "$4"); b=$(ratio "$5" "$2"); else a=$(ratio "$2" "$4"); b=$(ratio "$2" "$5"); fi
  printf '%-34s %14s %12s %12s %12s %12s %12s\n' "$1" "${2:--}" "$3" "${4:--}" "${5:--}" "$a" "$b"
}
row "startup ms (median of 20)"        "${R[nimbus.startup]:-}" "<= 20"     ""                    "${R[moto.startup]:-}" lower
row "idle RSS MiB"                     "${R[nimbus.idle_rss]:-}" "<= 15"    "${R[nginx.idle_rss]:-}" "${R[moto.idle_rss]:-}" lower
row "SendMessage msg/s"                "${R[nimbus.send]:-}"    ">= 10000"  "${R[nginx.get]:-}"   "${R[moto.send]:-}" higher
row "SendMessageBatch msg/s"           "${R[nimbus.batch]:-}"   ">= 50000"  "${R[nginx.get]:-}"   "${R[moto.batch]:-}" higher
row "Receive+DeleteBatch msg/s"        "${R[nimbus.recv]:-}"    ">= 10000"  "${R[nginx.get]:-}"   "${R[moto.recv]:-}" higher
row "SendMessage p99 ms (full load)"   "${R[nimbus.send.p99]:-}" "-"        "${R[nginx.get.p99]:-}" "${R[moto.send.p99]:-}" lower
row "SendMessage p99 ms (half load)"   "${R[nimbus.half.p99]:-}" "<= 5"     ""                    ""  lower
echo "soak memory flat: ${R[nimbus.soak]:-not run}   (target: flat)"

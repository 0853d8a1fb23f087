#!/usr/bin/env bash
# On-demand DynamoDB benchmarks for nimbus (never run in CI; `bench/run.sh dynamodb` runs this). Builds
# bench/dynamodb_load with g++, then measures against a fresh nimbus (--auth off, persistent data dir,
# so every write is durable) on loopback, 32 keep-alive connections, one table with a hash + range key
# and one GSI (projection ALL), items of ~200 bytes:
#   put      PutItem of distinct keys                                   (items/s >= 15,000; p50/p99)
#   get      GetItem of random items among those just written           (>= 30,000/s)
#   query    Query of one 100-item partition, closed loop (queries/s), then at DDB_QUERY_RATE/s with
#            latency counted from each request's scheduled start         (p99 <= 2 ms)
#   batch    BatchWriteItem of 25 new items per request                  (items/s >= 60,000)
#   restart  spawn -> first answered GET /_nimbus/health on the data dir the steps above left
#   big      (DDB_BIG_ITEMS > 0, off by default) fill a table of DDB_BIG_ITEMS items through
#            BatchWriteItem, stop, time restarts on that data dir (target < 1 s), then GetItem and
#            Query again on the restarted server (same targets as above)
# References measured in the same run, printed as ratios:
#   nginx (Debian, one worker, a 3-byte file, as bench/run.sh): the HTTP floor, same generator
#   moto  (python3 -m moto.server from MOTO_PYTHON): the same operations, MOTO_DURATION s each
# Loopback only; every step is bounded (durations, --max-seconds, item caps); processes and the temp
# dir are removed on exit.
#
#   DDB_DURATION=10 DDB_CONNECTIONS=32 DDB_THREADS=2 DDB_QUERY_RATE=200 DDB_ITEM_BYTES=200
#   DDB_PROJECTION=ALL DDB_RESTART_RUNS=5 DDB_BIG_ITEMS=0 DDB_BIG_MAX_SECONDS=3600
#   MOTO_DURATION=5 MOTO_QUERY_RATE=5 NIMBUS_BIN=build/nimbus MOTO_PYTHON=python3
#   DDB_SKIP="nginx moto"   (any of: nimbus restart nginx moto big)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NIMBUS_BIN="${NIMBUS_BIN:-$ROOT/build/nimbus}"
OUT="$ROOT/build/bench"
GEN="$OUT/dynamodb_load"
DURATION="${DDB_DURATION:-10}"
CONNS="${DDB_CONNECTIONS:-32}"
THREADS="${DDB_THREADS:-2}"
QUERY_RATE="${DDB_QUERY_RATE:-200}"
ITEM_BYTES="${DDB_ITEM_BYTES:-200}"
PROJECTION="${DDB_PROJECTION:-ALL}"
RESTART_RUNS="${DDB_RESTART_RUNS:-5}"
BIG_ITEMS="${DDB_BIG_ITEMS:-0}"
BIG_MAX="${DDB_BIG_MAX_SECONDS:-3600}"
MOTO_DURATION="${MOTO_DURATION:-5}"
MOTO_QUERY_RATE="${MOTO_QUERY_RATE:-5}"
MOTO_PYTHON="${MOTO_PYTHON:-python3}"
SKIP=" ${DDB_SKIP:-} "
WORK="$(mktemp -d "${TMPDIR:-/tmp}/nimbus-ddb-bench.XXXXXX")"
PIDS=()
PROBLEMS=()  # steps that reported errors, and server log lines

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

skipped() { [[ "$SKIP" == *" $1 "* ]]; }
field() { sed -n "s/.*\b$2=\([^ ]*\).*/\1/p" <<<"$1"; }
free_port() { /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'; }
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }
now() { date +%s.%N; }
wait_http() {  # port path — up to 30 s
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$1$2" && return 0
    sleep 0.1
  done
  return 1
}

echo "== building dynamodb load generator"
mkdir -p "$OUT"
# rebuilt when the source is newer than the binary (or DDB_REBUILD=1)
if [[ "${DDB_REBUILD:-0}" == 1 || ! "$GEN" -nt "$ROOT/bench/dynamodb_load.cpp" ]]; then
  g++ -std=c++20 -O2 -Wall -Wextra -o "$GEN" "$ROOT/bench/dynamodb_load.cpp" -lpthread || exit 1
fi
[[ -x "$NIMBUS_BIN" ]] || { echo "nimbus binary not found at $NIMBUS_BIN" >&2; exit 1; }

declare -A R  # R[nimbus.put]=items/s, R[nimbus.put.p99]=…, R[moto.get]=…, R[nginx.get]=…

# One generator run: prints its line, keeps items/s, p50, p99, items and requests/s under R[label.key.*].
step() {  # label key generator-args…
  local label=$1 key=$2 line errors
  shift 2
  line=$("$GEN" --connections "$CONNS" --threads "$THREADS" --item-bytes "$ITEM_BYTES" --projection "$PROJECTION" \
    "$@" 2>"$WORK/step.err")
  echo "  $label $key: ${line:-(no result)}"
  sed 's/^/    /' "$WORK/step.err"
  R[$label.$key]=$(field "$line" items_per_s)
  R[$label.$key.qps]=$(field "$line" reqs_per_s)
  R[$label.$key.p50]=$(field "$line" p50_ms)
  R[$label.$key.p99]=$(field "$line" p99_ms)
  R[$label.$key.items]=$(field "$line" items)
  errors=$(field "$line" errors)
  if [[ -z "$line" || "${errors:-0}" != 0 ]]; then
    PROBLEMS+=("$label $key: errors=${errors:-?} $(head -c 300 "$WORK/step.err" | tr '\n' ' ')")
  fi
}

# The DynamoDB steps against one server: label port duration query-rate
suite() {
  local label=$1 port=$2 dur=$3 qrate=$4
  step "$label" put --mode put --port "$port" --duration "$dur" --prefix i
  step "$label" get --mode get --port "$port" --duration "$dur" --prefix i --keys "${R[$label.put.items]:-0}"
  step "$label" query --mode query --port "$port" --duration "$dur"
  step "$label" qrate --mode query --port "$port" --duration "$dur" --rate "$qrate"
  step "$label" batch --mode batch --port "$port" --duration "$dur" --prefix b
}

start_nimbus() {  # name — data dir $WORK/nimbus-<name> (kept, so a second start reopens it)
  NPORT=$(free_port)
  "$NIMBUS_BIN" --host 127.0.0.1 --port "$NPORT" --data-dir "$WORK/nimbus-$1" --auth off --log-level warn \
    >>"$WORK/nimbus-$1.out" 2>>"$WORK/nimbus-$1.err" &
  NPID=$!
  PIDS+=("$NPID")
  wait_http "$NPORT" /_nimbus/health || { echo "nimbus did not start" >&2; cat "$WORK/nimbus-$1.err" >&2; exit 1; }
}
stop_nimbus() {  # name — also reports what the server logged (warn and above)
  kill -TERM "$NPID" 2>/dev/null
  wait "$NPID" 2>/dev/null
  if [[ -s "$WORK/nimbus-$1.err" ]]; then
    echo "  server log ($1, $(wc -l <"$WORK/nimbus-$1.err") lines, last 5):"
    tail -n 5 "$WORK/nimbus-$1.err" | cut -c1-300 | sed 's/^/    /'
    PROBLEMS+=("nimbus $1 logged $(wc -l <"$WORK/nimbus-$1.err") warn+ lines: $(tail -n 1 "$WORK/nimbus-$1.err" | cut -c1-200)")
  fi
}
restart_times() {  # name label — spawn -> first health answer on the existing data dir
  local line
  line=$("$GEN" --mode restart --runs "$RESTART_RUNS" --path /_nimbus/health -- \
    "$NIMBUS_BIN" --host 127.0.0.1 --port '{port}' --data-dir "$WORK/nimbus-$1" --auth off --log-level warn)
  echo "  $2 restart: $line"
  R[$2.restart.first]=$(field "$line" first_ms)
  R[$2.restart.median]=$(field "$line" median_ms)
}

# ---- nimbus ---------------------------------------------------------------------------------------
if ! skipped nimbus; then
  start_nimbus load
  echo "== nimbus: $CONNS connections, ${DURATION}s per step, Query at $QUERY_RATE/s (port $NPORT)"
  suite nimbus "$NPORT" "$DURATION" "$QUERY_RATE"
  R[nimbus.rss]=$(rss_mib "$NPID")
  echo "  nimbus RSS after the steps: ${R[nimbus.rss]} MiB; data dir $(du -sh "$WORK/nimbus-load" | cut -f1)"
  stop_nimbus load
  if ! skipped restart; then restart_times load nimbus; fi
fi

# ---- big table (optional) ---------------------------------------------------------------------------
if [[ "$BIG_ITEMS" -gt 0 ]] && ! skipped big; then
  need=$((BIG_ITEMS * 1200))  # item + GSI entry + WAL/compaction headroom, generously
  avail=$(df --output=avail -B1 "$WORK" | tail -n 1)
  if [[ "$avail" -lt "$need" ]]; then
    echo "== big: skipped, $((avail >> 30)) GiB free in $WORK, want $((need >> 30)) GiB for $BIG_ITEMS items"
  else
    start_nimbus big
    echo "== nimbus big table: $BIG_ITEMS items via BatchWriteItem (max ${BIG_MAX}s), restart, GetItem/Query (port $NPORT)"
    step big fill --mode batch --port "$NPORT" --prefix big --count "$BIG_ITEMS" --max-seconds "$BIG_MAX"
    R[big.rss]=$(rss_mib "$NPID")
    t0=$(now)
    stop_nimbus big
    R[big.shutdown]=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
    echo "  RSS after fill ${R[big.rss]} MiB; shutdown ${R[big.shutdown]} ms; data dir $(du -sh "$WORK/nimbus-big" | cut -f1)"
    restart_times big big
    start_nimbus big
    step big get --mode get --port "$NPORT" --duration "$DURATION" --prefix big --keys "${R[big.fill.items]:-0}"
    step big query --mode query --port "$NPORT" --duration "$DURATION"
    step big qrate --mode query --port "$NPORT" --duration "$DURATION" --rate "$QUERY_RATE"
    stop_nimbus big
  fi
fi

# ---- nginx: HTTP floor (bench/run.sh's configuration) -------------------------------------------------
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
    echo "== nginx floor (port $GPORT, ${DURATION}s)"
    step nginx get --mode http --port "$GPORT" --path /tiny --duration "$DURATION"
  fi
  kill "$GPID" 2>/dev/null; wait "$GPID" 2>/dev/null
fi

# ---- moto: DynamoDB peer ----------------------------------------------------------------------------
# The interpreter that imports moto, run directly (not through pyenv's shim scripts).
MOTO_EXE=$(skipped moto || "$MOTO_PYTHON" -c 'import sys, moto.server, moto.dynamodb; print(sys.executable)' 2>/dev/null)
if ! skipped moto && [[ -n "$MOTO_EXE" ]]; then
  MPORT=$(free_port)
  "$MOTO_EXE" -m moto.server -H 127.0.0.1 -p "$MPORT" >"$WORK/moto.log" 2>&1 &
  MPID=$!
  PIDS+=("$MPID")
  if wait_http "$MPORT" /moto-api/; then
    echo "== moto $("$MOTO_EXE" -c 'import moto; print(moto.__version__)') (port $MPORT, ${MOTO_DURATION}s per step, Query at $MOTO_QUERY_RATE/s)"
    suite moto "$MPORT" "$MOTO_DURATION" "$MOTO_QUERY_RATE"
    R[moto.rss]=$(rss_mib "$MPID")
  fi
  kill "$MPID" 2>/dev/null; wait "$MPID" 2>/dev/null
elif ! skipped moto; then
  echo "== moto: skipped ($MOTO_PYTHON cannot import moto.server)"
fi

# ---- summary -----------------------------------------------------------------------------------------
echo
echo "== DynamoDB summary (nimbus/nginx: share of the HTTP floor's requests/s; nimbus/moto: times faster, or smaller for latency/RSS)"
printf '%-44s %12s %10s %12s %12s %12s %12s\n' figure nimbus target nginx moto nimbus/nginx nimbus/moto
row() {  # name nimbus target nginx moto higher|lower
  local a b
  if [[ "$6" == lower ]]; then a="-"; b=$(ratio "$5" "$2"); else a=$(ratio "$2" "$4"); b=$(ratio "$2" "$5"); fi
  printf '%-44s %12s %10s %12s %12s %12s %12s\n' "$1" "${2:--}" "$3" "${4:--}" "${5:--}" "$a" "$b"
}
G="${R[nginx.get]:-}"
row "PutItem items/s"                         "${R[nimbus.put]:-}"       ">= 15000" "$G" "${R[moto.put]:-}" higher
row "PutItem p50 ms"                          "${R[nimbus.put.p50]:-}"   "-"        ""   "${R[moto.put.p50]:-}" lower
row "PutItem p99 ms"                          "${R[nimbus.put.p99]:-}"   "-"        ""   "${R[moto.put.p99]:-}" lower
row "GetItem /s"                              "${R[nimbus.get]:-}"       ">= 30000" "$G" "${R[moto.get]:-}" higher
row "GetItem p99 ms"                          "${R[nimbus.get.p99]:-}"   "-"        ""   "${R[moto.get.p99]:-}" lower
row "Query (100 items) /s, closed loop"       "${R[nimbus.query.qps]:-}" "-"        "$G" "${R[moto.query.qps]:-}" higher
row "Query p50 ms at $QUERY_RATE/s (moto $MOTO_QUERY_RATE/s)" "${R[nimbus.qrate.p50]:-}" "-" "" "${R[moto.qrate.p50]:-}" lower
row "Query p99 ms at $QUERY_RATE/s (moto $MOTO_QUERY_RATE/s)" "${R[nimbus.qrate.p99]:-}" "<= 2" "" "${R[moto.qrate.p99]:-}" lower
row "BatchWriteItem items/s (25 per request)" "${R[nimbus.batch]:-}"     ">= 60000" "$G" "${R[moto.batch]:-}" higher
row "BatchWriteItem p99 ms"                   "${R[nimbus.batch.p99]:-}" "-"        ""   "${R[moto.batch.p99]:-}" lower
row "RSS after the steps MiB"                 "${R[nimbus.rss]:-}"       "-"        ""   "${R[moto.rss]:-}" lower
row "restart ms (first, that data dir)"       "${R[nimbus.restart.first]:-}"  "< 1000" "" "" lower
row "restart ms (median of $RESTART_RUNS)"    "${R[nimbus.restart.median]:-}" "< 1000" "" "" lower
if [[ -n "${R[big.fill]:-}" ]]; then
  echo "big table: ${R[big.fill.items]:-?} items"
  row "  fill BatchWriteItem items/s"           "${R[big.fill]:-}"           ">= 60000" "$G" "" higher
  row "  restart ms (first after the fill)"     "${R[big.restart.first]:-}"  "< 1000"   ""   "" lower
  row "  restart ms (median of $RESTART_RUNS)"  "${R[big.restart.median]:-}" "< 1000"   ""   "" lower
  row "  GetItem /s (after restart)"            "${R[big.get]:-}"            ">= 30000" "$G" "" higher
  row "  GetItem p99 ms"                        "${R[big.get.p99]:-}"        "-"        ""   "" lower
  row "  Query (100 items) /s, closed loop"     "${R[big.query.qps]:-}"      "-"        "$G" "" higher
  row "  Query p99 ms at $QUERY_RATE/s"         "${R[big.qrate.p99]:-}"      "<= 2"     ""   "" lower
  row "  RSS after fill MiB"                    "${R[big.rss]:-}"            "-"        ""   "" lower
fi
if [[ ${#PROBLEMS[@]} -gt 0 ]]; then
  echo "problems:"
  printf '  %s\n' "${PROBLEMS[@]}"
fi

#!/usr/bin/env bash
# On-demand S3 benchmarks for nimbus (never run in CI; `bench/run.sh s3` runs this). Builds
# bench/s3_load with g++, then measures against nimbus (--auth off, persistent data dir):
#   put1m/get1m   PUT and GET of 1 MiB objects, 8 connections          (MB/s, target >= 400 each way)
#   put4k/get4k   PUT and GET of 4 KiB objects, 8 connections          (PUT/s >= 5,000, GET/s >= 10,000)
#   big           one 5 GiB multipart upload + download, server RSS sampled every 50 ms (target < 64 MiB)
#   list          ListObjectsV2 pages of 1,000 keys from a 1,000,000-key bucket (p50/p99, target <= 10 ms)
#   notify        4 KiB PUTs to a bucket whose notifications go to an SQS queue, against plain 4 KiB PUTs
#                 on the same server in the same run (target >= 80%), and the delivery latency from
#                 a PUT's durable commit to its SendMessage's (GET /_nimbus/deliveries; p99 <= 20 ms)
# References measured in the same run, printed as ratios:
#   nginx (Debian, temp config on a spare port): GET of the same 1 MiB / 4 KiB files, PUT via WebDAV
#   cp: copying the same bytes between files (page cache), and cp + sync
#   moto (python3 -m moto.server, where importable): the same PUT/GET/list requests, shorter runs
# Loopback only; every step is bounded.
#
#   S3_DURATION=10 S3_CONNECTIONS=8 S3_BIG_BYTES=5368709120 S3_PART_BYTES=67108864
#   S3_LIST_KEYS=1000000 S3_LIST_PAGES=200 S3_POPULATE_CONNECTIONS=64 S3_POPULATE_MAX_SECONDS=1200
#   MOTO_DURATION=5 MOTO_LIST_KEYS=5000 NIMBUS_BIN=build/nimbus MOTO_PYTHON=python3
#   S3_SKIP="big list nginx cp moto"   (any of: small notify big list nginx cp moto)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NIMBUS_BIN="${NIMBUS_BIN:-$ROOT/build/nimbus}"
OUT="$ROOT/build/bench"
GEN="$OUT/s3_load"
DURATION="${S3_DURATION:-10}"
CONNS="${S3_CONNECTIONS:-8}"
BIG="${S3_BIG_BYTES:-5368709120}"
PART="${S3_PART_BYTES:-67108864}"
LIST_KEYS="${S3_LIST_KEYS:-1000000}"
LIST_PAGES="${S3_LIST_PAGES:-200}"
POP_CONNS="${S3_POPULATE_CONNECTIONS:-64}"
POP_MAX="${S3_POPULATE_MAX_SECONDS:-1200}"
MOTO_DURATION="${MOTO_DURATION:-5}"
MOTO_LIST_KEYS="${MOTO_LIST_KEYS:-5000}"
MOTO_PYTHON="${MOTO_PYTHON:-python3}"
SKIP=" ${S3_SKIP:-} "
WORK="$(mktemp -d /tmp/nimbus-s3-bench.XXXXXX)"
PIDS=()

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
kib_to_mib() { awk -v k="$1" 'BEGIN { if (k == "" || k < 0) print "-"; else printf "%.1f", k / 1024 }'; }
wait_http() {  # port path — up to 30 s
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$1$2" && return 0
    sleep 0.1
  done
  return 1
}
now() { date +%s.%N; }
json_field() {  # json dotted.path — prints the value ("?" when absent)
  /usr/bin/python3 -c 'import json,sys
v = json.loads(sys.argv[1] or "{}")
for k in sys.argv[2].split("."): v = v.get(k, "?") if isinstance(v, dict) else "?"
print(json.dumps(v) if isinstance(v, (dict, list)) else v)' "$1" "$2" 2>/dev/null || echo "?"
}

echo "== building s3 load generator"
mkdir -p "$OUT"
g++ -std=c++20 -O2 -Wall -Wextra -o "$GEN" "$ROOT/bench/s3_load.cpp" -lpthread || exit 1
[[ -x "$NIMBUS_BIN" ]] || { echo "nimbus binary not found at $NIMBUS_BIN" >&2; exit 1; }

declare -A R

start_nimbus() {
  NPORT=$(free_port)
  "$NIMBUS_BIN" --host 127.0.0.1 --port "$NPORT" --data-dir "$WORK/nimbus-$1" --log-level warn \
    >"$WORK/nimbus-$1.out" 2>"$WORK/nimbus-$1.err" &
  NPID=$!
  PIDS+=("$NPID")
  wait_http "$NPORT" /_nimbus/health || { echo "nimbus did not start" >&2; cat "$WORK/nimbus-$1.err" >&2; exit 1; }
}
stop_nimbus() { kill -TERM "$NPID" 2>/dev/null; wait "$NPID" 2>/dev/null; }

# small: 1 MiB and 4 KiB PUT/GET on one target ($1 = label, $2 = port, $3 = duration)
small_objects() {
  local label=$1 port=$2 dur=$3 line
  for spec in "1m:1048576:64" "4k:4096:4096"; do
    IFS=: read -r name size keys <<<"$spec"
    line=$("$GEN" --mode put --port "$port" --bucket "bench-$name" --prefix put --size "$size" \
      --connections "$CONNS" --duration "$dur")
    echo "  $label put$name: $line"
    R[$label.put$name.mbs]=$(field "$line" mb_per_s); R[$label.put$name.ops]=$(field "$line" ops_per_s)
    R[$label.put$name.p99]=$(field "$line" p99_ms)
    line=$("$GEN" --mode get --port "$port" --bucket "bench-$name" --prefix get --size "$size" --keys "$keys" \
      --connections "$CONNS" --duration "$dur")
    echo "  $label get$name: $line"
    R[$label.get$name.mbs]=$(field "$line" mb_per_s); R[$label.get$name.ops]=$(field "$line" ops_per_s)
    R[$label.get$name.p99]=$(field "$line" p99_ms)
  done
}

# ---- nimbus -------------------------------------------------------------------------------------
if ! skipped small; then
  start_nimbus small
  echo "== nimbus: 1 MiB and 4 KiB objects, $CONNS connections, ${DURATION}s each (port $NPORT)"
  small_objects nimbus "$NPORT" "$DURATION"
  stop_nimbus
fi

if ! skipped notify; then
  start_nimbus notify
  echo "== nimbus: 4 KiB PUTs with notifications to SQS vs plain, $CONNS connections, ${DURATION}s each (port $NPORT)"
  /usr/bin/python3 - "$NPORT" <<'PY' || { echo "notification set-up failed" >&2; exit 1; }
import sys, boto3
endpoint = f"http://127.0.0.1:{sys.argv[1]}"
kw = dict(region_name="us-east-1", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test")
sqs, s3 = boto3.client("sqs", **kw), boto3.client("s3", **kw)
url = sqs.create_queue(QueueName="bench-events")["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
s3.create_bucket(Bucket="bench-notify")
s3.put_bucket_notification_configuration(Bucket="bench-notify", NotificationConfiguration={
    "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
PY
  for round in 1 2; do  # alternate, so both see the same machine
    line=$("$GEN" --mode put --port "$NPORT" --bucket bench-plain --prefix "r$round" --size 4096 \
      --connections "$CONNS" --duration "$DURATION")
    echo "  plain put4k: $line"; R[notify.plain.$round]=$(field "$line" ops_per_s)
    line=$("$GEN" --mode put --port "$NPORT" --bucket bench-notify --prefix "r$round" --size 4096 \
      --connections "$CONNS" --duration "$DURATION" --create-bucket 0)
    echo "  notified put4k: $line"; R[notify.put.$round]=$(field "$line" ops_per_s)
    R[notify.put.p99]=$(field "$line" p99_ms)
  done
  for _ in $(seq 1 300); do  # until every event is delivered (30 s at most)
    report=$(curl -s "http://127.0.0.1:$NPORT/_nimbus/deliveries")
    [[ $(json_field "$report" pending) == 0 ]] && break
    sleep 0.1
  done
  echo "  deliveries: pending=$(json_field "$report" pending) delivered=$(json_field "$report" delivered)" \
    "dropped=$(json_field "$report" dropped) latency=$(json_field "$report" delivery_latency)"
  R[notify.plain]=$(awk -v a="${R[notify.plain.1]:-0}" -v b="${R[notify.plain.2]:-0}" 'BEGIN { printf "%.0f", (a + b) / 2 }')
  R[notify.put]=$(awk -v a="${R[notify.put.1]:-0}" -v b="${R[notify.put.2]:-0}" 'BEGIN { printf "%.0f", (a + b) / 2 }')
  R[notify.p50]=$(json_field "$report" delivery_latency.p50_ms)
  R[notify.p99]=$(json_field "$report" delivery_latency.p99_ms)
  stop_nimbus
fi

if ! skipped big; then
  start_nimbus big
  echo "== nimbus: one $((BIG / 1048576)) MiB multipart upload ($((PART / 1048576)) MiB parts, $CONNS connections) + download"
  line=$("$GEN" --mode multipart --port "$NPORT" --bucket bench-big --size "$BIG" --part-size "$PART" \
    --connections "$CONNS" --pid "$NPID" --max-seconds 1800)
  echo "  $line"
  R[nimbus.big.up]=$(field "$line" up_mb_per_s); R[nimbus.big.down]=$(field "$line" down_mb_per_s)
  up=$(field "$line" peak_rss_up_kib); down=$(field "$line" peak_rss_down_kib)
  R[nimbus.big.rss]=$(kib_to_mib "$(( up > down ? up : down ))")
  stop_nimbus
fi

if ! skipped list; then
  start_nimbus list
  echo "== nimbus: populate $LIST_KEYS keys ($POP_CONNS connections, max ${POP_MAX}s), then $LIST_PAGES ListObjectsV2 pages"
  line=$("$GEN" --mode populate --port "$NPORT" --bucket bench-list --prefix k --size 16 --count "$LIST_KEYS" \
    --connections "$POP_CONNS" --max-seconds "$POP_MAX")
  echo "  $line"
  R[nimbus.populate]=$(field "$line" ops_per_s)
  populated=$(field "$line" ops)  # fewer than asked if S3_POPULATE_MAX_SECONDS ran out
  [[ "${populated:-0}" -lt "$LIST_KEYS" ]] && echo "  (only ${populated:-0} of $LIST_KEYS keys written in time)"
  line=$("$GEN" --mode list --port "$NPORT" --bucket bench-list --prefix k --count "${populated:-$LIST_KEYS}" \
    --runs "$LIST_PAGES" --create-bucket 0)
  echo "  $line"
  R[nimbus.list.p50]=$(field "$line" p50_ms); R[nimbus.list.p99]=$(field "$line" p99_ms)
  R[nimbus.list.keys]=$(field "$line" keys_per_page)
  R[nimbus.list.rss]=$(kib_to_mib "$(awk '/^VmRSS:/ {print $2}' "/proc/$NPID/status" 2>/dev/null)")
  stop_nimbus
fi

# ---- nginx: HTTP file-serving floor (GET) and WebDAV PUT ------------------------------------------
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if ! skipped nginx && [[ -x "$NGINX" ]]; then
  GPORT=$(free_port)
  mkdir -p "$WORK/nginx/logs" "$WORK/nginx/html/bench-1m/get" "$WORK/nginx/html/bench-4k/get" "$WORK/nginx/tmp"
  head -c 1048576 /dev/urandom >"$WORK/nginx/html/bench-1m/get/file"
  head -c 4096 /dev/urandom >"$WORK/nginx/html/bench-4k/get/file"
  chmod -R a+rwX "$WORK/nginx" && chmod 755 "$WORK"  # workers run as www-data
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_max_body_size 0;
  client_body_temp_path $WORK/nginx/tmp;
  server {
    listen 127.0.0.1:$GPORT;
    root $WORK/nginx/html;
    location / { dav_methods PUT; create_full_put_path on; dav_access user:rw group:r all:r; }
  }
}
EOF
  "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/logs/error.log" &
  GPID=$!
  PIDS+=("$GPID")
  if wait_http "$GPORT" /bench-4k/get/file; then
    echo "== nginx reference (port $GPORT): GET of the same sizes, PUT through WebDAV"
    for spec in "1m:1048576" "4k:4096"; do
      IFS=: read -r name size <<<"$spec"
      line=$("$GEN" --mode put --port "$GPORT" --bucket "bench-$name" --prefix put --size "$size" \
        --connections "$CONNS" --duration "$DURATION" --create-bucket 0)
      echo "  nginx put$name: $line"
      R[nginx.put$name.mbs]=$(field "$line" mb_per_s); R[nginx.put$name.ops]=$(field "$line" ops_per_s)
      line=$("$GEN" --mode get --port "$GPORT" --path "/bench-$name/get/file" --size "$size" \
        --connections "$CONNS" --duration "$DURATION" --create-bucket 0)
      echo "  nginx get$name: $line"
      R[nginx.get$name.mbs]=$(field "$line" mb_per_s); R[nginx.get$name.ops]=$(field "$line" ops_per_s)
    done
    rm -rf "$WORK/nginx/html/bench-1m/put" "$WORK/nginx/html/bench-4k/put"
  fi
  kill "$GPID" 2>/dev/null; wait "$GPID" 2>/dev/null
fi

# ---- cp: the same bytes copied between files ---------------------------------------------------------
if ! skipped cp; then
  CP_BYTES=$(( BIG < 1073741824 ? BIG : 1073741824 ))
  echo "== cp reference: $((CP_BYTES / 1048576)) MiB file"
  head -c "$CP_BYTES" /dev/urandom >"$WORK/cp-src"
  t0=$(now); cp "$WORK/cp-src" "$WORK/cp-dst"; t1=$(now); sync "$WORK/cp-dst"; t2=$(now)
  R[cp.mbs]=$(awk -v b="$CP_BYTES" -v a="$t0" -v c="$t1" 'BEGIN { printf "%.1f", b / 1048576 / (c - a) }')
  R[cp.sync.mbs]=$(awk -v b="$CP_BYTES" -v a="$t0" -v c="$t2" 'BEGIN { printf "%.1f", b / 1048576 / (c - a) }')
  echo "  cp ${R[cp.mbs]} MB/s, cp+sync ${R[cp.sync.mbs]} MB/s"
  rm -f "$WORK/cp-src" "$WORK/cp-dst"
fi

# ---- moto: S3 peer -------------------------------------------------------------------------------------
if ! skipped moto && "$MOTO_PYTHON" -c 'import moto.server' 2>/dev/null; then
  MPORT=$(free_port)
  "$MOTO_PYTHON" -m moto.server -H 127.0.0.1 -p "$MPORT" >"$WORK/moto.log" 2>&1 &
  MPID=$!
  PIDS+=("$MPID")
  if wait_http "$MPORT" /moto-api/; then
    echo "== moto reference (port $MPORT, ${MOTO_DURATION}s each; list on $MOTO_LIST_KEYS keys)"
    small_objects moto "$MPORT" "$MOTO_DURATION"
    line=$("$GEN" --mode populate --port "$MPORT" --bucket bench-list --prefix k --size 16 --count "$MOTO_LIST_KEYS" \
      --connections "$CONNS" --max-seconds 300)
    echo "  moto populate: $line"
    R[moto.populate]=$(field "$line" ops_per_s)
    line=$("$GEN" --mode list --port "$MPORT" --bucket bench-list --prefix k --count "$MOTO_LIST_KEYS" --runs 20 \
      --create-bucket 0)
    echo "  moto list: $line"
    R[moto.list.p50]=$(field "$line" p50_ms); R[moto.list.p99]=$(field "$line" p99_ms)
    R[moto.rss]=$(kib_to_mib "$(awk '/^VmRSS:/ {print $2}' "/proc/$MPID/status" 2>/dev/null)")
  fi
  kill "$MPID" 2>/dev/null; wait "$MPID" 2>/dev/null
fi

# ---- summary -------------------------------------------------------------------------------------------
echo
echo "== S3 summary (nimbus/nginx and nimbus/cp: share of the reference; nimbus/moto: times better)"
printf '%-36s %12s %12s %12s %12s %12s %12s %12s\n' figure nimbus target nginx cp moto nimbus/ref nimbus/moto
row() {  # name nimbus target nginx cp moto lower_is_better
  local ref="${4:-}" a b
  [[ -z "$ref" || "$ref" == "-" ]] && ref="${5:-}"
  if [[ "$7" == lower ]]; then a=$(ratio "$ref" "$2"); b=$(ratio "$6" "$2"); else a=$(ratio "$2" "$ref"); b=$(ratio "$2" "$6"); fi
  printf '%-36s %12s %12s %12s %12s %12s %12s %12s\n' "$1" "${2:--}" "$3" "${4:--}" "${5:--}" "${6:--}" "$a" "$b"
}
row "PUT 1 MiB MB/s (${CONNS} conns)"      "${R[nimbus.put1m.mbs]:-}" ">= 400"   "${R[nginx.put1m.mbs]:-}" "${R[cp.mbs]:-}" "${R[moto.put1m.mbs]:-}" higher
row "GET 1 MiB MB/s (${CONNS} conns)"      "${R[nimbus.get1m.mbs]:-}" ">= 400"   "${R[nginx.get1m.mbs]:-}" "${R[cp.mbs]:-}" "${R[moto.get1m.mbs]:-}" higher
row "PUT 4 KiB objects/s"                 "${R[nimbus.put4k.ops]:-}" ">= 5000"  "${R[nginx.put4k.ops]:-}" ""               "${R[moto.put4k.ops]:-}" higher
row "GET 4 KiB objects/s"                 "${R[nimbus.get4k.ops]:-}" ">= 10000" "${R[nginx.get4k.ops]:-}" ""               "${R[moto.get4k.ops]:-}" higher
row "PUT 4 KiB p99 ms"                    "${R[nimbus.put4k.p99]:-}" "-"        ""                        ""               "${R[moto.put4k.p99]:-}" lower
row "5 GiB multipart upload MB/s"         "${R[nimbus.big.up]:-}"    "-"        ""                        "${R[cp.sync.mbs]:-}" "" higher
row "5 GiB download MB/s"                 "${R[nimbus.big.down]:-}"  "-"        "${R[nginx.get1m.mbs]:-}" "${R[cp.mbs]:-}" "" higher
row "peak RSS during 5 GiB MiB"           "${R[nimbus.big.rss]:-}"   "< 64"     ""                        ""               "" lower
row "ListObjectsV2 1000 keys p50 ms"      "${R[nimbus.list.p50]:-}"  "<= 10"    ""                        ""               "${R[moto.list.p50]:-}" lower
row "ListObjectsV2 1000 keys p99 ms"      "${R[nimbus.list.p99]:-}"  "<= 10"    ""                        ""               "${R[moto.list.p99]:-}" lower
row "populate (16 B PUTs)/s"              "${R[nimbus.populate]:-}"  "-"        ""                        ""               "${R[moto.populate]:-}" higher
if [[ -n "${R[notify.put]:-}" ]]; then
  echo "notifications: PUT 4 KiB with events to SQS ${R[notify.put]}/s vs plain ${R[notify.plain]}/s on the same server" \
    "= $(ratio "${R[notify.put]}" "${R[notify.plain]}") (target >= 0.80x); delivery latency p50 ${R[notify.p50]:-?} ms," \
    "p99 ${R[notify.p99]:-?} ms (target <= 20)"
fi
echo "list: ${R[nimbus.list.keys]:-?} keys/page from ${populated:-$LIST_KEYS} keys (moto: ${MOTO_LIST_KEYS} keys); nimbus RSS after list ${R[nimbus.list.rss]:-?} MiB, moto RSS ${R[moto.rss]:-?} MiB"

#!/usr/bin/env bash
# Runs the integration suites (pytest with Debian's boto3/CLI, node:test with @aws-sdk v3)
# against an already-built nimbus. Exits non-zero if either suite fails or runs no test.
#   NIMBUS_BIN=path/to/nimbus  (default build/nimbus)   PYTEST_ARGS="-k fifo"   NODE_TEST_ARGS=...
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export NIMBUS_BIN="${NIMBUS_BIN:-$ROOT/build/nimbus}"
PYTHON="${NIMBUS_PYTHON:-/usr/bin/python3}"   # Debian's python: boto3 1.26 speaks SQS's query protocol

if [[ ! -x "$NIMBUS_BIN" ]]; then
  echo "run.sh: nimbus binary not found at $NIMBUS_BIN (build it first)" >&2
  exit 2
fi

status=0

echo "== pytest (boto3 query protocol + AWS CLI) against $NIMBUS_BIN: every folder of tests/integration"
# shellcheck disable=SC2086
# pytest-xdist (Debian's python3-pytest-xdist): the suites mostly wait on clients and servers, so
# NIMBUS_TEST_WORKERS processes (default 3) share the 2 cores; each file stays on one worker.
parallel=()
if "$PYTHON" -c "import xdist" 2>/dev/null && [[ "${NIMBUS_TEST_WORKERS:-3}" != 1 ]]; then
  parallel=(-n "${NIMBUS_TEST_WORKERS:-3}" --dist loadfile)
fi
"$PYTHON" -m pytest tests/integration -p no:cacheprovider "${parallel[@]}" ${PYTEST_ARGS:-}
rc=$?
if [[ $rc -eq 5 ]]; then
  echo "run.sh: pytest collected no tests — counted as a failure" >&2
  status=1
elif [[ $rc -ne 0 ]]; then
  status=1
fi

echo "== node --test (@aws-sdk/client-sqs v3, JSON protocol)"
shopt -s nullglob
node_tests=(tests/integration/*/*.test.mjs)   # every suite folder: sqs/, s3/, core/ ...
if [[ ${#node_tests[@]} -eq 0 ]]; then
  echo "run.sh: no node test files found — counted as a failure" >&2
  status=1
else
  # shellcheck disable=SC2086
  node --test ${NODE_TEST_ARGS:-} "${node_tests[@]}" || status=1
fi

if [[ $status -ne 0 ]]; then
  echo "run.sh: integration tests FAILED" >&2
else
  echo "run.sh: integration tests passed"
fi
exit $status

#!/usr/bin/env bash
# The fault suite: each test runs a load of loans and journeys for two tenants on worker processes,
# injects one fault (a worker SIGKILLed, one of two workers SIGKILLed, the Temporal server SIGKILLed,
# PostgreSQL restarted, MinIO stopped, a credit bureau down) and checks the invariants in
# PostgreSQL and Temporal. Ends with `N passed, N failed`, after the table of what each test did.
#   npm run chaos                   every fault
#   npm run chaos -- PATTERN...     only the test files matching the globs
# METIS_TEMPORAL=postgres (the default when temporal/server.sh exists) runs against the Temporal
# server on PostgreSQL, METIS_TEMPORAL=dev against the dev server. CHAOS_LOADS sets the loans and
# journeys of each test (default 200 of each). The suite uses its own database (metis_chaos) and
# bucket (metis-chaos); the servers started here are stopped at the end unless METIS_KEEP_STACK=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
cd "$METIS_ROOT"

bash "$here/setup.sh"
metis_toolchain

if [ -z "${METIS_TEMPORAL:-}" ]; then
  if [ -f "$METIS_ROOT/temporal/server.sh" ]; then
    METIS_TEMPORAL=postgres
  else
    METIS_TEMPORAL=dev
    metis_log "warning: temporal/server.sh is missing: the fault suite runs against the Temporal dev server (SQLite)"
  fi
fi
export METIS_TEMPORAL
export DATABASE_URL=${METIS_CHAOS_DATABASE_URL:-postgres://metis_app:metis_app@127.0.0.1:5432/metis_chaos}
export METIS_MIGRATION_DATABASE_URL=${METIS_CHAOS_MIGRATION_DATABASE_URL:-postgres://metis_owner:metis_owner@127.0.0.1:5432/metis_chaos}
export METIS_S3_BUCKET=${METIS_CHAOS_S3_BUCKET:-metis-chaos}

source "$here/lib/service.sh"
metis_track_started
trap metis_stop_started EXIT
metis_log "fault suite against the Temporal ${METIS_TEMPORAL} server"
bash "$here/stack.sh" up

if [ "$#" -gt 0 ]; then files=("$@"); else files=('packages/integration/chaos/*.test.ts'); fi
mkdir -p "$METIS_HOME"
summary="$METIS_HOME/chaos-summary.txt"
export CHAOS_TABLE="$METIS_HOME/chaos-table.md"
rm -f "$summary" "$CHAOS_TABLE"
start=$(date +%s)
rc=0
# One file at a time: every fault is global to the stack.
node --conditions=metis-source --test --test-concurrency=1 --test-timeout=900000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter="$here/lib/count-reporter.mjs" --test-reporter-destination="$summary" \
  "${files[@]}" || rc=$?
trap - EXIT
metis_stop_started
echo
if [ -s "$CHAOS_TABLE" ]; then
  echo "| fault | load | injected | checked | counts |"
  echo "|---|---|---|---|---|"
  cat "$CHAOS_TABLE"
  echo
fi
metis_log "fault suite ran in $(( $(date +%s) - start )) s against the Temporal ${METIS_TEMPORAL} server"
if [ -s "$summary" ]; then cat "$summary"; else echo "0 passed, 1 failed"; rc=1; fi
exit $rc

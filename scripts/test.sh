#!/usr/bin/env bash
# Set up, type-check, lint, start the stack and run every test against the real servers.
#   npm test                      everything
#   npm test -- PATTERN...        only the test files matching the globs
# The tests use their own database (metis_test) and bucket (metis-test); the servers started
# here are stopped at the end unless METIS_KEEP_STACK=1. METIS_TEMPORAL=dev|postgres picks the
# Temporal server (scripts/temporal.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
cd "$METIS_ROOT"

bash "$here/setup.sh"
metis_toolchain

export DATABASE_URL=${METIS_TEST_DATABASE_URL:-postgres://metis_app:metis_app@127.0.0.1:5432/metis_test}
export METIS_MIGRATION_DATABASE_URL=${METIS_TEST_MIGRATION_DATABASE_URL:-postgres://metis_owner:metis_owner@127.0.0.1:5432/metis_test}
export METIS_S3_BUCKET=${METIS_TEST_S3_BUCKET:-metis-test}

metis_log "type-checking tests and linting"
pnpm exec tsc -p tsconfig.tests.json
pnpm exec tsc -p examples/tenant-service/web/tsconfig.json
pnpm run --silent lint

source "$here/lib/service.sh"
# METIS_TEMPORAL=dev (default) runs the suite on the dev server, postgres on the Temporal server
# on PostgreSQL (scripts/temporal.sh); tests that need one of them say so and skip on the other.
export METIS_TEMPORAL=${METIS_TEMPORAL:-dev}
metis_track_started
trap metis_stop_started EXIT
bash "$here/stack.sh" up
METIS_CHROMIUM=$(bash "$here/chromium.sh")
export METIS_CHROMIUM
bash "$here/web.sh"

if [ "$#" -gt 0 ]; then files=("$@"); else files=('packages/*/test/**/*.test.ts' 'examples/*/test/**/*.test.ts'); fi
mkdir -p "$METIS_HOME"
summary="$METIS_HOME/test-summary.txt"
rm -f "$summary"
rc=0
node --conditions=metis-source --test --test-timeout=300000 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter="$here/lib/count-reporter.mjs" --test-reporter-destination="$summary" \
  "${files[@]}" || rc=$?
trap - EXIT
metis_stop_started
echo
if [ -s "$summary" ]; then cat "$summary"; else echo "0 passed, 1 failed"; rc=1; fi
exit $rc

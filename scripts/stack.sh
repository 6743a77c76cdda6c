#!/usr/bin/env bash
# The local Metis stack: PostgreSQL (the machine's), Temporal (METIS_TEMPORAL=dev, the default: the
# dev server with its Web UI; METIS_TEMPORAL=postgres: the Temporal server on PostgreSQL, no Web UI;
# see scripts/temporal.sh) and MinIO. Binaries are built on first use and reused after.
#   scripts/stack.sh up|down|status
# `up` also provisions the Metis roles and database, migrates, creates the bucket (for the
# database in DATABASE_URL and the bucket in METIS_S3_BUCKET) and the development keys, and
# starts the codec server the Web UI decrypts payloads through (METIS_CODEC_ADDRESS).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"

metis_cli() { node --conditions=metis-source "$METIS_ROOT/packages/cli/src/main.ts" "$@"; }
codec_address=${METIS_CODEC_ADDRESS:-127.0.0.1:8234}
codec_health() { node -e "fetch('http://$codec_address/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; }

case "${1:-status}" in
  up)
    metis_ensure_node
    start=$(date +%s)
    # Build the two Go binaries side by side when neither is there yet.
    "$METIS_ROOT/temporal/get-temporal.sh" >/dev/null & t_pid=$!
    "$here/minio.sh" path >/dev/null & m_pid=$!
    wait "$t_pid" || metis_die "could not obtain the Temporal CLI"
    wait "$m_pid" || metis_die "could not obtain MinIO"
    "$here/postgres.sh" start
    bash "$here/temporal.sh" start
    "$here/minio.sh" start
    [ -d "$METIS_ROOT/node_modules" ] || metis_die "dependencies are not installed: run \`npm run setup\` first"
    metis_cli dev init
    source "$here/lib/service.sh"
    metis_service_start codec 30 codec_health -- node --conditions=metis-source "$METIS_ROOT/packages/cli/src/main.ts" codec serve --address "$codec_address"
    metis_log "stack up in $(( $(date +%s) - start )) s"
    ;;
  down)
    METIS_TEMPORAL=dev bash "$here/temporal.sh" stop
    METIS_TEMPORAL=postgres bash "$here/temporal.sh" stop
    "$here/minio.sh" stop
    source "$here/lib/service.sh"
    metis_service_stop codec
    ;;
  status)
    rc=0
    "$here/postgres.sh" status || rc=1
    bash "$here/temporal.sh" status || rc=1
    "$here/minio.sh" status || rc=1
    if codec_health; then echo "codec: serving on http://$codec_address"; else echo "codec: not running"; rc=1; fi
    exit $rc
    ;;
  *) metis_die "usage: scripts/stack.sh up|down|status" ;;
esac

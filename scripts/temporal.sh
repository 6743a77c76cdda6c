#!/usr/bin/env bash
# The local Temporal server, either kind, chosen by METIS_TEMPORAL:
#   dev       (default) the Temporal CLI dev server on SQLite with the Web UI: temporal/dev-server.sh
#   postgres  the Temporal server on PostgreSQL, no Web UI: temporal/server.sh
#   scripts/temporal.sh start|stop|kill|status     (kill: SIGKILL, for fault tests)
# Both listen on METIS_TEMPORAL_HOST:METIS_TEMPORAL_PORT (127.0.0.1:7233): `start` stops the other
# kind first when this stack started it and the port is taken; `stop` and `kill` touch only the
# kind METIS_TEMPORAL names (`scripts/stack.sh down` stops both).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
source "$here/lib/service.sh"

kind=${METIS_TEMPORAL:-dev}
host=${METIS_TEMPORAL_HOST:-127.0.0.1}
port=${METIS_TEMPORAL_PORT:-7233}
port_taken() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }
case "$kind" in
  dev) script="$METIS_ROOT/temporal/dev-server.sh" other="$METIS_ROOT/temporal/server.sh" other_service=temporal-postgres ;;
  postgres) script="$METIS_ROOT/temporal/server.sh" other="$METIS_ROOT/temporal/dev-server.sh" other_service=temporal ;;
  *) metis_die "METIS_TEMPORAL=$kind: use dev or postgres" ;;
esac

case "${1:-status}" in
  start)
    # The other kind, started by this stack, holding the port: stop it (one on another port stays).
    if metis_service_pid "$other_service" >/dev/null && port_taken; then
      metis_log "METIS_TEMPORAL=$kind: stopping the other Temporal server ($other_service) on $host:$port first"
      "$other" stop
    fi
    "$script" start
    ;;
  stop|kill|status) "$script" "$1" ;;
  *) metis_die "usage: scripts/temporal.sh start|stop|kill|status (METIS_TEMPORAL=dev|postgres)" ;;
esac

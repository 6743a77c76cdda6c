#!/usr/bin/env bash
# Start, stop or check the Temporal dev server (SQLite file under .metis/temporal, Web UI on
# :8233) with the Metis search attributes registered and task-queue fairness enabled (server 1.29:
# matching.enableFairness and matching.useNewMatcher; 1.29 has no matching.enableMigration, so a
# backlog written before fairness was turned on is not read by the fair matcher). Task queues have
# one partition: fairness orders each partition's backlog, and a single dev server needs no more. The Web UI
# decodes payloads through the codec server (`metis codec serve`, started by scripts/stack.sh) at
# METIS_CODEC_ADDRESS.
#   temporal/dev-server.sh start|stop|kill|status   (kill: SIGKILL, for fault tests)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/lib/toolchain.sh"
source "$here/../scripts/lib/service.sh"

host=${METIS_TEMPORAL_HOST:-127.0.0.1}
port=${METIS_TEMPORAL_PORT:-7233}
ui_port=${METIS_TEMPORAL_UI_PORT:-8233}
namespace=${METIS_TEMPORAL_NAMESPACE:-default}
db_file=${METIS_TEMPORAL_DB:-$METIS_HOME/temporal/metis-dev.db}

temporal_health() { "$TEMPORAL" operator cluster health --address "$host:$port" --command-timeout 2s 2>/dev/null | grep -q SERVING; }

case "${1:-status}" in
  start)
    TEMPORAL=$("$here/get-temporal.sh")
    mkdir -p "$(dirname "$db_file")"
    args=(server start-dev --ip "$host" --port "$port" --ui-port "$ui_port" --namespace "$namespace"
      --db-filename "$db_file" --log-level warn
      --ui-codec-endpoint "http://${METIS_CODEC_ADDRESS:-127.0.0.1:8234}"
      --dynamic-config-value frontend.enableUpdateWorkflowExecution=true
      --dynamic-config-value frontend.enableExecuteMultiOperation=true
      --dynamic-config-value system.enableEagerWorkflowStart=true
      --dynamic-config-value matching.enableFairness=true
      --dynamic-config-value matching.useNewMatcher=true
      --dynamic-config-value matching.numTaskqueueReadPartitions=1
      --dynamic-config-value matching.numTaskqueueWritePartitions=1)
    while IFS= read -r attr; do
      case "$attr" in ''|'#'*) continue ;; esac
      args+=(--search-attribute "$attr")
    done < "$here/search-attributes.txt"
    metis_service_start temporal 90 temporal_health -- "$TEMPORAL" "${args[@]}"
    metis_log "Temporal Web UI: http://$host:$ui_port/namespaces/$namespace/workflows"
    ;;
  stop) metis_service_stop temporal ;;
  kill) metis_service_kill temporal ;;
  status)
    TEMPORAL=$("$here/get-temporal.sh")
    if temporal_health; then echo "temporal: serving on $host:$port, Web UI http://$host:$ui_port"; else echo "temporal: not running"; exit 1; fi
    ;;
  *) metis_die "usage: temporal/dev-server.sh start|stop|kill|status" ;;
esac

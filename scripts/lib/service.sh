# shellcheck shell=bash
# Start, stop and inspect the local servers Metis runs in the background (pid + log files in
# .metis/run). Source after toolchain.sh.

METIS_RUN="$METIS_HOME/run"

metis_service_pid() {
  local pidfile="$METIS_RUN/$1.pid"
  [ -f "$pidfile" ] || return 1
  local pid; pid=$(cat "$pidfile")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

# metis_wait NAME SECONDS CHECK...: run CHECK until it succeeds or SECONDS pass.
metis_wait() {
  local name=$1 seconds=$2; shift 2
  local deadline=$(( $(date +%s) + seconds ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then return 1; fi
    if [ -n "${METIS_WAIT_PID:-}" ] && ! kill -0 "$METIS_WAIT_PID" 2>/dev/null; then
      metis_log "$name exited while starting"; return 1
    fi
    sleep 0.5
  done
}

# metis_service_start NAME HEALTH_SECONDS HEALTH_CMD -- COMMAND...
metis_service_start() {
  local name=$1 seconds=$2 health=$3; shift 3
  [ "$1" = "--" ] && shift
  mkdir -p "$METIS_RUN"
  local log="$METIS_RUN/$name.log"
  if metis_service_pid "$name" >/dev/null; then
    metis_log "$name already running (pid $(metis_service_pid "$name"))"
    return 0
  fi
  if $health >/dev/null 2>&1; then
    metis_log "$name: a server already answers on its address; using it"
    return 0
  fi
  local start; start=$(date +%s)
  setsid nohup "$@" >"$log" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$METIS_RUN/$name.pid"
  if ! METIS_WAIT_PID=$pid metis_wait "$name" "$seconds" $health; then
    metis_log "$name did not become healthy within ${seconds}s; last lines of $log:"
    tail -n 20 "$log" >&2
    metis_service_stop "$name"
    return 1
  fi
  metis_log "$name up in $(( $(date +%s) - start )) s (pid $pid, log .metis/run/$name.log)"
}

metis_service_stop() {
  local name=$1 pid
  pid=$(metis_service_pid "$name") || { rm -f "$METIS_RUN/$name.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$METIS_RUN/$name.pid"
  metis_log "$name stopped"
}

# metis_service_kill NAME: SIGKILL the service (no shutdown: for fault tests), wait until it is gone.
metis_service_kill() {
  local name=$1 pid
  if ! pid=$(metis_service_pid "$name"); then
    rm -f "$METIS_RUN/$name.pid"; metis_log "$name is not running"; return 0
  fi
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$METIS_RUN/$name.pid"
  metis_log "$name killed (SIGKILL, pid $pid)"
}

# metis_track_started: remember which of the stack's servers (the Temporal server METIS_TEMPORAL
# names, MinIO, the codec server) are not running yet, so metis_stop_started stops only those.
metis_track_started() {
  local temporal_service=temporal svc
  [ "${METIS_TEMPORAL:-dev}" = "postgres" ] && temporal_service=temporal-postgres
  METIS_STARTED=()
  metis_service_pid "$temporal_service" >/dev/null || METIS_STARTED+=(temporal)
  for svc in minio codec; do metis_service_pid "$svc" >/dev/null || METIS_STARTED+=("$svc"); done
}

# metis_stop_started: stop the servers metis_track_started found not running, unless METIS_KEEP_STACK=1.
metis_stop_started() {
  [ "${METIS_KEEP_STACK:-}" = "1" ] && return 0
  local svc
  for svc in "${METIS_STARTED[@]}"; do
    case "$svc" in
      temporal) bash "$METIS_ROOT/scripts/temporal.sh" stop ;;
      minio) bash "$METIS_ROOT/scripts/minio.sh" stop ;;
      codec) metis_service_stop codec ;;
    esac
  done
}

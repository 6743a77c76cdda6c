#!/usr/bin/env bash
# Start, stop, kill or check the Temporal server on PostgreSQL: the production-shaped server
# (server 1.29.1, the version the dev server bundles), without a Web UI (use the dev server or
# docker-compose.yml for one).
#   temporal/server.sh start|stop|kill|status
# `start` builds the server and temporal-sql-tool from the Go module proxy into .metis/bin on first
# use (later starts reuse them), creates the `temporal` role and the `temporal` and
# `temporal_visibility` databases on the local PostgreSQL with the schemas the server embeds
# (idempotent), runs the server with temporal/server-postgres.yaml and the dynamic config
# temporal/dynamicconfig/metis.yaml, waits until it is healthy and creates the namespace and the
# Metis search attributes when they are missing. `kill` sends SIGKILL (for fault tests); `stop`
# shuts it down cleanly.
#
# Environment: METIS_TEMPORAL_HOST/METIS_TEMPORAL_PORT (frontend, 127.0.0.1:7233; the other
# services take the ports after it, see the config file), METIS_TEMPORAL_METRICS_PORT (8000),
# METIS_TEMPORAL_NAMESPACE (default), METIS_PG_HOST/METIS_PG_PORT (127.0.0.1:5432),
# METIS_TEMPORAL_DB_USER/METIS_TEMPORAL_DB_PASSWORD (temporal/temporal), METIS_TEMPORAL_DATABASE
# (temporal; the visibility database is METIS_TEMPORAL_VISIBILITY_DATABASE, by default the same name
# with _visibility: two servers on one PostgreSQL need their own), METIS_ADMIN_DATABASE_URL
# (a superuser that creates the role), METIS_TEMPORAL_SERVER_VERSION (v1.29.1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../scripts/lib/toolchain.sh"
source "$here/../scripts/lib/service.sh"

SERVER_VERSION=${METIS_TEMPORAL_SERVER_VERSION:-v1.29.1}
server_bin="$METIS_HOME/bin/temporal-server-$SERVER_VERSION"
sql_tool="$METIS_HOME/bin/temporal-sql-tool-$SERVER_VERSION"
host=${METIS_TEMPORAL_HOST:-127.0.0.1}
port=${METIS_TEMPORAL_PORT:-7233}
namespace=${METIS_TEMPORAL_NAMESPACE:-default}
pg_host=${METIS_PG_HOST:-127.0.0.1}
pg_port=${METIS_PG_PORT:-5432}
db_user=${METIS_TEMPORAL_DB_USER:-temporal}
db_password=${METIS_TEMPORAL_DB_PASSWORD:-temporal}
database=${METIS_TEMPORAL_DATABASE:-temporal}
visibility_database=${METIS_TEMPORAL_VISIBILITY_DATABASE:-${database}_visibility}
admin_url=${METIS_ADMIN_DATABASE_URL:-postgres://postgres@$pg_host:$pg_port/postgres}
service=temporal-postgres
export METIS_TEMPORAL_HOST=$host METIS_TEMPORAL_PORT=$port METIS_PG_HOST=$pg_host METIS_PG_PORT=$pg_port
export METIS_TEMPORAL_DB_USER=$db_user METIS_TEMPORAL_DB_PASSWORD=$db_password
export METIS_TEMPORAL_DATABASE=$database METIS_TEMPORAL_VISIBILITY_DATABASE=$visibility_database

temporal_health() { "$TEMPORAL" operator cluster health --address "$host:$port" --command-timeout 2s 2>/dev/null | grep -q SERVING; }
tctl() { "$TEMPORAL" --address "$host:$port" --command-timeout 5s "$@"; }

# Build the server and the SQL tool at the pinned version, once.
build() {
  if [ -x "$server_bin" ] && [ -x "$sql_tool" ]; then return 0; fi
  command -v go >/dev/null 2>&1 || metis_die "Go is not installed to build the Temporal server: install Go >= 1.24"
  metis_log "building the Temporal server $SERVER_VERSION and temporal-sql-tool from the Go module proxy (first run only, a few minutes)"
  local build_dir start; build_dir=$(mktemp -d); start=$(date +%s)
  # shellcheck disable=SC2064 # expand now: build_dir is local
  trap "rm -rf '$build_dir'" EXIT
  GOBIN="$build_dir" go install "go.temporal.io/server/cmd/server@$SERVER_VERSION" \
    "go.temporal.io/server/cmd/tools/sql@$SERVER_VERSION" >&2 \
    || metis_die "go install of the Temporal server $SERVER_VERSION failed (see above)"
  mkdir -p "$METIS_HOME/bin"
  mv "$build_dir/server" "$server_bin"
  mv "$build_dir/sql" "$sql_tool"
  metis_log "Temporal server and temporal-sql-tool built in $(( $(date +%s) - start )) s: $server_bin, $sql_tool"
}

admin_sql() { psql "$admin_url" -v ON_ERROR_STOP=1 -qAtX -c "$1"; }

# The role, the two databases and their schemas; every step is skipped when already done.
setup_databases() {
  command -v psql >/dev/null 2>&1 || metis_die "psql (the PostgreSQL client) is needed to create the temporal role"
  if [ "$(admin_sql "SELECT 1 FROM pg_roles WHERE rolname = '$db_user'")" != "1" ]; then
    metis_log "creating the PostgreSQL role $db_user"
    admin_sql "CREATE ROLE \"$db_user\" LOGIN CREATEDB PASSWORD '$db_password'"
  fi
  local sql=("$sql_tool" --plugin postgres12 --ep "$pg_host" -p "$pg_port" -u "$db_user" --pw "$db_password")
  local db schema log="$METIS_RUN/$service-schema.log"
  for db in "$database" "$visibility_database"; do
    if [ "$db" = "$database" ]; then schema=postgresql/v12/temporal; else schema=postgresql/v12/visibility; fi
    if [ "$(admin_sql "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
      metis_log "creating the database $db ($schema)"
      "${sql[@]}" --db "$db" create-database >"$log" 2>&1 || { cat "$log" >&2; metis_die "create-database $db failed"; }
    fi
    if [ "$(psql "postgres://$db_user:$db_password@$pg_host:$pg_port/$db" -qAtX \
        -c "SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'")" != "1" ]; then
      "${sql[@]}" --db "$db" setup-schema -v 0.0 >"$log" 2>&1 || { cat "$log" >&2; metis_die "setup-schema of $db failed"; }
    fi
    "${sql[@]}" --db "$db" update-schema --schema-name "$schema" >"$log" 2>&1 \
      || { cat "$log" >&2; metis_die "update-schema of $db failed"; }
  done
}

# The namespace and the search attributes of temporal/search-attributes.txt, when missing.
setup_namespace() {
  local created=0 deadline=$(( $(date +%s) + 60 ))
  until tctl operator namespace describe --namespace "$namespace" >/dev/null 2>&1; do
    if [ "$created" = 0 ]; then metis_log "creating the namespace $namespace"; fi
    tctl operator namespace create --namespace "$namespace" --retention 72h >/dev/null 2>&1 || true
    created=1
    [ "$(date +%s)" -lt "$deadline" ] || metis_die "could not create the namespace $namespace (see .metis/run/$service.log)"
    sleep 1
  done
  local attrs=() line name type missing
  while IFS= read -r line; do
    case "$line" in ''|'#'*) continue ;; esac
    attrs+=("$line")
  done < "$here/search-attributes.txt"
  while :; do
    local listed; listed=$(tctl operator search-attribute list --namespace "$namespace" 2>/dev/null || true)
    missing=0
    for line in "${attrs[@]}"; do
      name=${line%%=*}; type=${line#*=}
      if ! grep -qw "$name" <<<"$listed"; then
        missing=1 created=1
        tctl operator search-attribute create --namespace "$namespace" --name "$name" --type "$type" >/dev/null 2>&1 || true
      fi
    done
    if [ "$missing" = 0 ]; then
      # New namespaces and search attributes reach every service with the namespace cache (2 s).
      if [ "$created" = 1 ]; then sleep 3; fi
      break
    fi
    [ "$(date +%s)" -lt "$deadline" ] || metis_die "the search attributes of temporal/search-attributes.txt are not registered in $namespace"
    sleep 1
  done
}

case "${1:-status}" in
  start)
    TEMPORAL=$("$here/get-temporal.sh")
    build
    mkdir -p "$METIS_RUN"
    if ! metis_service_pid "$service" >/dev/null && ! temporal_health; then setup_databases; fi
    metis_service_start "$service" 120 temporal_health -- \
      "$server_bin" --root "$here" --config . --env server-postgres --allow-no-auth start
    setup_namespace
    metis_log "Temporal server (PostgreSQL) serving on $host:$port, namespace $namespace; no Web UI"
    ;;
  stop) metis_service_stop "$service" ;;
  kill) metis_service_kill "$service" ;;
  status)
    TEMPORAL=$("$here/get-temporal.sh")
    if temporal_health; then echo "temporal: serving on $host:$port (PostgreSQL), no Web UI"; else echo "temporal: not running"; exit 1; fi
    ;;
  *) metis_die "usage: temporal/server.sh start|stop|kill|status" ;;
esac

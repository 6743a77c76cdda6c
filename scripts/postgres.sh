#!/usr/bin/env bash
# Make sure the local PostgreSQL server answers, starting the machine's cluster when it does not.
#   scripts/postgres.sh start|status
# Only the server at METIS_PG_HOST:METIS_PG_PORT (default 127.0.0.1:5432) is touched; roles,
# databases and tables are created by `metis db provision` and `metis db migrate`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
host=${METIS_PG_HOST:-127.0.0.1}
port=${METIS_PG_PORT:-5432}

pg_ready() { node -e "
const s=require('node:net').connect($port,'$host');
s.on('connect',()=>{s.end();process.exit(0)});s.on('error',()=>process.exit(1));setTimeout(()=>process.exit(1),2000);"; }

case "${1:-status}" in
  start)
    if pg_ready; then metis_log "postgres answers on $host:$port"; exit 0; fi
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
      for version in $(ls /etc/postgresql); do
        metis_log "starting PostgreSQL $version cluster 'main'"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
      done
    elif command -v pg_ctl >/dev/null 2>&1 && [ -n "${PGDATA:-}" ]; then
      pg_ctl -D "$PGDATA" -l "$METIS_HOME/postgres.log" start
    else
      metis_die "PostgreSQL does not answer on $host:$port and no local cluster was found to start: install PostgreSQL >= 14 or set DATABASE_URL"
    fi
    source "$here/lib/service.sh"
    metis_wait postgres 30 pg_ready || metis_die "PostgreSQL did not start on $host:$port (see its log under /var/log/postgresql)"
    metis_log "postgres answers on $host:$port"
    ;;
  status) if pg_ready; then echo "postgres: answers on $host:$port"; else echo "postgres: not running"; exit 1; fi ;;
  *) metis_die "usage: scripts/postgres.sh start|status" ;;
esac

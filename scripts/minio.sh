#!/usr/bin/env bash
# Obtain, start, stop or check the local MinIO server (S3-compatible object store).
#   scripts/minio.sh path|start|stop|status
# The binary: $METIS_MINIO_BIN, `minio` on PATH, one built earlier into .metis/bin, else the
# pinned commit built from the Go module proxy. MinIO's release tags are not Go module
# versions, so it is pinned by pseudo-version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
source "$here/lib/service.sh"

MINIO_VERSION=${METIS_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}
address=${METIS_MINIO_ADDRESS:-127.0.0.1:9000}
data_dir=${METIS_MINIO_DATA:-$METIS_HOME/minio/data}
export MINIO_ROOT_USER=${METIS_S3_ACCESS_KEY:-metis}
export MINIO_ROOT_PASSWORD=${METIS_S3_SECRET_KEY:-metis-dev-secret}
export MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off

minio_path() {
  local target="$METIS_HOME/bin/minio-$MINIO_VERSION"
  if [ -n "${METIS_MINIO_BIN:-}" ]; then echo "$METIS_MINIO_BIN"; return; fi
  if command -v minio >/dev/null 2>&1; then command -v minio; return; fi
  if [ -x "$target" ]; then echo "$target"; return; fi
  command -v go >/dev/null 2>&1 || metis_die "MinIO is not on PATH and Go is not installed to build it: install Go >= 1.24, or MinIO, or set METIS_MINIO_BIN"
  metis_log "building MinIO $MINIO_VERSION from the Go module proxy (first run only, a few minutes)"
  local build_dir start; build_dir=$(mktemp -d); start=$(date +%s)
  GOBIN="$build_dir" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -trimpath" \
    go install "github.com/minio/minio@$MINIO_VERSION" >&2 || { rm -rf "$build_dir"; metis_die "go install of MinIO failed (see above)"; }
  mkdir -p "$METIS_HOME/bin"; mv "$build_dir/minio" "$target"; rm -rf "$build_dir"
  metis_log "MinIO built in $(( $(date +%s) - start )) s: $target"
  echo "$target"
}

minio_health() { node -e "fetch('http://$address/minio/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; }

case "${1:-status}" in
  path) minio_path ;;
  start)
    bin=$(minio_path)
    mkdir -p "$data_dir"
    metis_service_start minio 60 minio_health -- "$bin" server "$data_dir" --address "$address" --quiet
    ;;
  stop) metis_service_stop minio ;;
  status) if minio_health; then echo "minio: ready on $address"; else echo "minio: not running"; exit 1; fi ;;
  *) metis_die "usage: scripts/minio.sh path|start|stop|status" ;;
esac

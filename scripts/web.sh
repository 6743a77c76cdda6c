#!/usr/bin/env bash
# Build the tenant service's pages (vite build into examples/tenant-service/dist/web) when they are
# missing or older than any of their sources: examples/tenant-service/web/, its vite.config.ts and
# packages/fsm/src (the pages bundle the journey machine from source). Prints one line either way;
# vite's own output is shown only when the build fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
cd "$METIS_ROOT"

service=examples/tenant-service
out=$service/dist/web
sources=("$service/web" "$service/vite.config.ts" packages/fsm/src)
# Every build writes both pages: the applicant's tells when the pages were last built.
stamp=$out/app/index.html
if [ -f "$stamp" ] && [ -f "$out/underwriter/index.html" ]; then
  newer=$(find "${sources[@]}" -type f -newer "$stamp" -print -quit)
  if [ -z "$newer" ]; then
    metis_log "pages: $out is up to date"
    exit 0
  fi
  reason="$newer changed"
else
  reason="$out is missing"
fi

metis_toolchain
log=$(mktemp)
trap 'rm -f "$log"' EXIT
started=$(date +%s)
if ! (cd "$service" && pnpm exec vite build) >"$log" 2>&1; then
  cat "$log" >&2
  metis_die "pages: vite build failed ($reason)"
fi
metis_log "pages: built $out in $(($(date +%s) - started))s ($reason)"

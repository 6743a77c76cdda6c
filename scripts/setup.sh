#!/usr/bin/env bash
# Install the toolchain and dependencies, then build every package.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
metis_toolchain
cd "$METIS_ROOT"
metis_log "node $(node --version), pnpm $(pnpm --version)"
if [ "${CI:-}" = "true" ]; then
  pnpm install --frozen-lockfile --reporter=append-only
else
  pnpm install --reporter=append-only
fi
pnpm run build

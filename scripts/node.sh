#!/usr/bin/env bash
# Run a TypeScript entry point of the workspace with the project's Node (>= 22, installed into
# .metis/ when the machine's is older) from the sources: `bash scripts/node.sh FILE [ARGS…]`.
# Root scripts such as `npm run metis -- …` use it, so they work without pnpm or Node 22 on PATH.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"
metis_ensure_node >/dev/null
file=$1
shift
[ "${1:-}" = "--" ] && shift
exec node --conditions=metis-source "$METIS_ROOT/$file" "$@"

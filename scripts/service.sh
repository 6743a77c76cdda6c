#!/usr/bin/env bash
# Set up, start the stack, build the pages, and run the tenant service in the foreground:
#   npm run service [-- --no-workers] [-- --port N]
# It serves on 127.0.0.1:${PORT:-8080}; the stack keeps running after it stops
# (`npm run stack -- down` stops it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
bash "$here/setup.sh"
metis_toolchain
bash "$here/stack.sh" up
bash "$here/web.sh"
[ "${1:-}" = "--" ] && shift
cd "$METIS_ROOT/examples/tenant-service"
exec node --conditions=metis-source src/main.ts "$@"

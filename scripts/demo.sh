#!/usr/bin/env bash
# Set up, start the stack, and run the demo; the stack keeps running so the Web UI stays up
# (`npm run stack -- down` stops it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
bash "$here/setup.sh"
metis_toolchain
bash "$here/stack.sh" up
cd "$METIS_ROOT/examples/cli"
node --conditions=metis-source src/demo.ts

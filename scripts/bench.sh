#!/usr/bin/env bash
# Run one benchmark: `npm run bench -- P3` runs bench/p3-*.ts. A benchmark prints its figures and, as
# its last line, `<id> ratio=<measured> target>=<goal>` (or `target<=`), measured in the same run.
# Benchmarks that need servers start the local stack first, with the Temporal server METIS_TEMPORAL
# names (dev, the default, or postgres: scripts/temporal.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/toolchain.sh"
metis_toolchain
cd "$METIS_ROOT"
id=${1:-}
if [ -z "$id" ]; then
  echo "usage: npm run bench -- <id>   (one of: $(ls bench/*.ts 2>/dev/null | sed -E 's#bench/(p[0-9]+)-.*#\1#' | tr 'a-z' 'A-Z' | sort -u | tr '\n' ' '))" >&2
  exit 2
fi
shift
lower=$(echo "$id" | tr 'A-Z' 'a-z')
file=$(ls bench/"$lower"-*.ts 2>/dev/null | head -1)
[ -n "$file" ] || metis_die "no benchmark $id under bench/"
if grep -q '@metis-bench needs-stack' "$file"; then bash "$here/stack.sh" up >&2; fi
exec node --conditions=metis-source "$file" "$@"

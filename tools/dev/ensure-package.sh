#!/usr/bin/env bash
# ensure-package.sh <command> <debian-package>: installs the Debian package when <command> is
# missing (e.g. promtool from `prometheus`, chromium from `chromium`). Idempotent and quiet: does
# nothing when the command is there; otherwise apt-get, as root or through sudo.
set -euo pipefail

cmd=${1:?usage: ensure-package.sh <command> <debian-package>}
package=${2:?usage: ensure-package.sh <command> <debian-package>}

if command -v "$cmd" >/dev/null; then
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "ensure-package: $cmd is missing and there is no apt-get here: install $package so that $cmd is on PATH" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "ensure-package: installing $package (for $cmd) needs root or sudo" >&2
  exit 1
fi

echo "ensure-package: installing $package for $cmd (apt-get)" >&2
"${as_root[@]}" apt-get update -qq
# env inside sudo: sudo drops the caller's environment.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null
command -v "$cmd" >/dev/null || { echo "ensure-package: $package installed but $cmd is still missing" >&2; exit 1; }

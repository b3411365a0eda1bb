#!/usr/bin/env bash
# Installs Debian's chromium (/usr/bin/chromium) when it is missing: the browser the DLQ console's
# end-to-end test (e2e/src/dlq-console.e2e.spec.ts) drives with playwright-core. Idempotent and
# quiet: does nothing when it is there; otherwise apt-get, as root or through sudo.
set -euo pipefail

BROWSER=/usr/bin/chromium

if [ -x "$BROWSER" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "ensure-browser: $BROWSER is missing and there is no apt-get here: install Chromium so that $BROWSER exists" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null; then
  as_root=(sudo)
else
  echo "ensure-browser: installing chromium needs root or sudo" >&2
  exit 1
fi

echo "ensure-browser: installing chromium (apt-get)"
"${as_root[@]}" apt-get update -qq
# env inside sudo: sudo drops the caller's environment.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
echo "ensure-browser: $("$BROWSER" --version 2>/dev/null)"

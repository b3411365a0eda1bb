# Shared by tools/ci/test-all.sh and tools/dev/up.sh: the checks and installs both commands need.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# Node >= 20.19 (package.json engines): older 20.x lacks require(esm) that some dependencies use.
require_node() {
  command -v node >/dev/null || { echo "Node.js >= 20.19 is required (https://nodejs.org)"; exit 1; }
  node -e '
    const [maj, min] = process.versions.node.split(".").map(Number);
    if (maj < 20 || (maj === 20 && min < 19)) {
      console.error(`Node.js >= 20.19 is required, this is ${process.versions.node}`);
      process.exit(1);
    }'
}

# npm ci when node_modules does not match package-lock.json (first run, or the lock changed).
ensure_deps() {
  local stamp_file="$ROOT/node_modules/.lock-stamp" want
  want=$(sha256sum "$ROOT/package-lock.json" | cut -c1-16)
  if [ "$(cat "$stamp_file" 2>/dev/null)" != "$want" ]; then
    step "installing dependencies (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund)
    echo "$want" >"$stamp_file"
  fi
}

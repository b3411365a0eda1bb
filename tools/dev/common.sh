# Shared by tools/ci/test-all.sh and tools/dev/up.sh: the checks and installs both commands need.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

source "$ROOT/tools/dev/node.sh"

# Node >= 24.11 (package.json engines): the host's, or Node 24 LTS from the registry into
# .infra/tools when the host's is older (tools/dev/node.sh).
require_node() {
  use_project_node
}

# npm ci when node_modules does not match package-lock.json and the Node major (first run, the
# lock changed, or Node moved to another major: native addons are built for one).
ensure_deps() {
  local stamp_file="$ROOT/node_modules/.lock-stamp" want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -c1-16)-node$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$(cat "$stamp_file" 2>/dev/null)" != "$want" ]; then
    step "installing dependencies (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund)
    echo "$want" >"$stamp_file"
  fi
}

# The project's Node.js: the host's when it is recent enough, else a pinned Node 24 LTS fetched
# from the npm registry (the `node-linux-<arch>` packages hold the official binaries) into
# .infra/tools, nothing global. Sourced by common.sh; `use_project_node` puts it first on PATH, so
# everything the calling script starts afterwards (npm, npx, nx, the apps) runs on it.
# shellcheck shell=bash

# The floor (package.json engines, .nvmrc) and the version fetched when the host is below it.
NODE_FLOOR_MAJOR=24
NODE_FLOOR_MINOR=11
PROJECT_NODE_VERSION=24.22.3
# sha512 of each package's tarball as the registry published it (npm view <pkg>@<v> dist.integrity):
# a mirror or a proxy serving other bytes is refused.
declare -A PROJECT_NODE_INTEGRITY=(
  [linux-x64]='sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=='
  [linux-arm64]='sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw=='
)

# 0 when the `node` on PATH meets the floor.
node_meets_floor() {
  local version major minor
  version=$(node -p 'process.versions.node' 2>/dev/null) || return 1
  IFS=. read -r major minor _ <<<"$version"
  ((major > NODE_FLOOR_MAJOR || (major == NODE_FLOOR_MAJOR && minor >= NODE_FLOOR_MINOR)))
}

node_platform() {
  local os arch
  os=$(uname -s | tr '[:upper:]' '[:lower:]')
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) arch=$(uname -m) ;;
  esac
  echo "$os-$arch"
}

# Downloads node-<platform>@PROJECT_NODE_VERSION into $1, checking the pinned integrity.
fetch_project_node() {
  local dest=$1 platform=$2 want=${PROJECT_NODE_INTEGRITY[$2]} work tarball got
  work=$(mktemp -d)
  if command -v npm >/dev/null; then
    # npm pack honours the user's registry, proxy and CA settings.
    tarball=$(cd "$work" && npm pack "node-$platform@$PROJECT_NODE_VERSION" --silent 2>/dev/null | tail -1) ||
      { rm -rf "$work"; return 1; }
    tarball="$work/$tarball"
  else
    local registry=${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}
    tarball="$work/node.tgz"
    curl -fsSL --retry 3 -o "$tarball" \
      "${registry%/}/node-$platform/-/node-$platform-$PROJECT_NODE_VERSION.tgz" || { rm -rf "$work"; return 1; }
  fi
  got="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$got" != "$want" ]; then
    echo "node-$platform@$PROJECT_NODE_VERSION: integrity $got, expected $want" >&2
    rm -rf "$work"
    return 1
  fi
  mkdir -p "$work/x" && tar -xzf "$tarball" -C "$work/x"
  mkdir -p "$(dirname "$dest")" && rm -rf "$dest" && mv "$work/x/package" "$dest"
  rm -rf "$work"
}

# Leaves a Node that meets the floor first on PATH, fetching it when the host's is older or absent.
use_project_node() {
  node_meets_floor && return 0
  local host platform cache
  host=$(node -p 'process.versions.node' 2>/dev/null || echo none)
  platform=$(node_platform)
  cache="$ROOT/.infra/tools/node-$PROJECT_NODE_VERSION-$platform"
  if [ -z "${PROJECT_NODE_INTEGRITY[$platform]:-}" ]; then
    echo "Node.js >= $NODE_FLOOR_MAJOR.$NODE_FLOOR_MINOR is required (this host has $host); the registry" \
      "serves no Node binary for $platform: install Node $NODE_FLOOR_MAJOR LTS (https://nodejs.org)." >&2
    exit 1
  fi
  if [ ! -x "$cache/bin/node" ]; then
    fetch_project_node "$cache" "$platform" || {
      echo "Could not fetch node-$platform@$PROJECT_NODE_VERSION from the npm registry;" \
        "install Node.js >= $NODE_FLOOR_MAJOR.$NODE_FLOOR_MINOR (https://nodejs.org)." >&2
      exit 1
    }
  fi
  export PATH="$cache/bin:$PATH"
  echo "Node $host on this host is older than $NODE_FLOOR_MAJOR.$NODE_FLOOR_MINOR:" \
    "using Node $PROJECT_NODE_VERSION from ${cache#"$ROOT"/}"
}

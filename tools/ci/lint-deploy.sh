#!/usr/bin/env bash
# Checks the deployment files that no TypeScript test reads: every k8s overlay must build with
# kustomize, and the GitHub workflows must pass actionlint. Both tools are pinned Go modules,
# built once into $INFRA_HOME/bin.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${INFRA_HOME:-"$ROOT/.infra"}/bin
KUSTOMIZE=sigs.k8s.io/kustomize/kustomize/v5@v5.7.1
ACTIONLINT=github.com/rhysd/actionlint/cmd/actionlint@v1.7.12

# go_tool <binary> <module@version>: the binary, built on first use or when the pin changes.
go_tool() {
  local name=$1 module=$2
  if [ "$(cat "$BIN/$name.version" 2>/dev/null)" != "$module" ]; then
    command -v go >/dev/null || { echo "lint-deploy: Go >= 1.24 is needed to build $name" >&2; exit 1; }
    mkdir -p "$BIN"
    echo "lint-deploy: building $module" >&2
    GOBIN="$BIN" go install "$module" >&2
    echo "$module" >"$BIN/$name.version"
  fi
  echo "$BIN/$name"
}

kustomize=$(go_tool kustomize "$KUSTOMIZE")
for overlay in "$ROOT"/k8s/overlays/*/; do
  "$kustomize" build "$overlay" >/dev/null
  echo "k8s: ${overlay#"$ROOT"/} builds"
done

actionlint=$(go_tool actionlint "$ACTIONLINT")
(cd "$ROOT" && "$actionlint")
echo "github workflows: actionlint passes"

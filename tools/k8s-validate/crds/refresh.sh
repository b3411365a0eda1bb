#!/usr/bin/env bash
# Refreshes the CustomResourceDefinitions that tools/k8s-validate embeds (crds/*.yaml) from the
# pinned Go modules of their operators, downloaded through the Go module proxy (and so checked
# against the checksum database). To move to a newer operator, change its version below, run
# `bash tools/k8s-validate/crds/refresh.sh` and commit the result. `--check` changes nothing and
# fails when a copy differs from its pinned source (tools/ci/lint-deploy.sh runs it).
set -euo pipefail
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# module@version, then the CRD files of that module the manifests use.
PROMETHEUS_OPERATOR=github.com/prometheus-operator/prometheus-operator@v0.85.0
PROMETHEUS_OPERATOR_CRDS=(
  example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml
  example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml
  example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml
)
KEDA=github.com/kedacore/keda/v2@v2.21.0
KEDA_CRDS=(config/crd/bases/keda.sh_scaledobjects.yaml)

check=false
[ "${1:-}" = --check ] && check=true

# module_dir <module@version>: where the Go module cache holds it, downloading it if needed.
module_dir() {
  # Outside any module, so that the go.mod of tools/k8s-validate is left alone.
  (cd / && GOFLAGS=-mod=mod go mod download -json "$1") | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'
}

stale=0
# copy <module@version> <file>...: each file, with a first line naming its source.
copy() {
  local module=$1 dir
  shift
  dir=$(module_dir "$module")
  [ -n "$dir" ] || { echo "refresh-crds: could not download $module" >&2; exit 1; }
  for file in "$@"; do
    local target
    target="$DIR/$(basename "$file")"
    local content
    content="# From $module, $file: refreshed by crds/refresh.sh, do not edit."$'\n'"$(cat "$dir/$file")"
    if $check; then
      if [ "$content" != "$(cat "$target" 2>/dev/null)" ]; then
        echo "refresh-crds: $(basename "$file") differs from $module: run bash tools/k8s-validate/crds/refresh.sh" >&2
        stale=1
      fi
    else
      printf '%s\n' "$content" >"$target"
    fi
  done
}

copy "$PROMETHEUS_OPERATOR" "${PROMETHEUS_OPERATOR_CRDS[@]}"
copy "$KEDA" "${KEDA_CRDS[@]}"
exit $stale

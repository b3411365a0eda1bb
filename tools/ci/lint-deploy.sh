#!/usr/bin/env bash
# Checks the deployment files that no TypeScript test reads: every k8s overlay must build with
# kustomize and pass tools/k8s-validate (strict schemas, the API server's own defaulting and
# validation, the CRDs of prometheus-operator and KEDA, Pod Security, references between objects;
# see its main.go), the rules that an overlay's PrometheusRules carry must pass `promtool check
# rules` and the promtool tests of tools/observability/prometheus/tests, and the GitHub workflows
# must pass actionlint. The Go tools are pinned modules, built once into $INFRA_HOME/bin; the
# validator's copies of the CRDs must match their pinned modules (crds/refresh.sh --check).
#
# No `kubectl apply --dry-run=client`: it needs an API server even so (discovery, OpenAPI), and
# Debian 12's kubectl (kubernetes-client 1.20) predates autoscaling/v2 and policy/v1.
set -euo pipefail
shopt -s inherit_errexit # a failed build inside $(...) stops the script
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${INFRA_HOME:-"$ROOT/.infra"}/bin
KUSTOMIZE=sigs.k8s.io/kustomize/kustomize/v5@v5.7.1
ACTIONLINT=github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
VALIDATOR_SRC=$ROOT/tools/k8s-validate

require_go() {
  command -v go >/dev/null || { echo "lint-deploy: Go >= 1.26 is needed to build $1" >&2; exit 1; }
  mkdir -p "$BIN"
}

# go_tool <binary> <module@version>: the binary, built on first use or when the pin changes.
go_tool() {
  local name=$1 module=$2
  if [ "$(cat "$BIN/$name.version" 2>/dev/null)" != "$module" ]; then
    require_go "$name"
    echo "lint-deploy: building $module" >&2
    GOBIN="$BIN" go install "$module" >&2
    echo "$module" >"$BIN/$name.version"
  fi
  echo "$BIN/$name"
}

# k8s_validate: the validator, tested and built on first use or when its sources change. The
# first build compiles much of Kubernetes: a few minutes.
k8s_validate() {
  local stamp
  stamp=$(cat "$VALIDATOR_SRC"/go.mod "$VALIDATOR_SRC"/go.sum "$VALIDATOR_SRC"/*.go "$VALIDATOR_SRC"/crds/* | sha256sum | cut -c1-16)
  if [ ! -x "$BIN/k8s-validate" ] || [ "$(cat "$BIN/k8s-validate.version" 2>/dev/null)" != "$stamp" ]; then
    require_go k8s-validate
    echo "lint-deploy: testing and building tools/k8s-validate" >&2
    (cd "$VALIDATOR_SRC" && go test ./... >&2 && go build -o "$BIN/k8s-validate" .)
    echo "$stamp" >"$BIN/k8s-validate.version"
  fi
  echo "$BIN/k8s-validate"
}

# check_rules <overlay> <dir>: the rule files the validator extracted from the overlay's
# PrometheusRules pass promtool's checks, and the promtool tests pass against them (the tests name
# their rule files as ../rules/<file>, so they run from a copy beside the extracted rules).
check_rules() {
  local name=$1 dir=$2
  compgen -G "$dir/rules/*.yml" >/dev/null || return 0
  # Debian's prometheus package brings promtool (npm run infra:up installs the same one natively).
  bash "$ROOT/tools/dev/ensure-package.sh" promtool prometheus >&2
  promtool check rules "$dir"/rules/*.yml >/dev/null
  mkdir -p "$dir/tests"
  cp "$ROOT"/tools/observability/prometheus/tests/*.test.yml "$dir/tests/"
  (cd "$dir/tests" && promtool test rules ./*.test.yml >/dev/null)
  echo "k8s: $name: its PrometheusRules pass promtool check rules and the promtool tests"
}

kustomize=$(go_tool kustomize "$KUSTOMIZE")
validator=$(k8s_validate)
# The validator's embedded CRDs are the files of their pinned modules (go mod download: cached
# after the first run).
require_go "the CRD check"
bash "$VALIDATOR_SRC/crds/refresh.sh" --check
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for overlay in "$ROOT"/k8s/overlays/*/; do
  name=${overlay#"$ROOT"/}
  name=${name%/}
  rules="$work/${name//\//_}"
  mkdir -p "$rules/rules"
  rendered=$("$kustomize" build "$overlay")
  summary=$(printf '%s\n' "$rendered" | "$validator" -name "$name" -rules-dir "$rules/rules")
  echo "k8s: $name builds; $summary"
  check_rules "$name" "$rules"
done

actionlint=$(go_tool actionlint "$ACTIONLINT")
(cd "$ROOT" && "$actionlint")
echo "github workflows: actionlint passes"

#!/usr/bin/env bash
# Refreshes the CustomResourceDefinitions that tools/k8s-validate embeds (crds/*.yaml) from the
# pinned Go modules of their operators, downloaded through the Go module proxy (and so checked
# against the checksum database), and Strimzi's, which no package ships as files: they are
# generated from its API classes on Maven Central by its own generator (strimzi.pom.xml; needs
# mvn and a Java >= 21 runtime, JAVA_HOME or /usr/lib/jvm). To move to a newer operator, change
# its version below (Strimzi's in strimzi.pom.xml), run `bash tools/k8s-validate/crds/refresh.sh`
# and commit the result. `--check` changes nothing and fails when a copy differs from its pinned
# source (tools/ci/lint-deploy.sh runs it).
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
# The replica Cluster of region B (k8s/overlays/region-b).
CLOUDNATIVE_PG=github.com/cloudnative-pg/cloudnative-pg@v1.30.1
CLOUDNATIVE_PG_CRDS=(config/crd/bases/postgresql.cnpg.io_clusters.yaml)
# Strimzi class => file, as Strimzi's build generates them (kafka.strimzi.io/v1 only since 1.0).
STRIMZI_CRDS=(io.strimzi.api.kafka.model.mirrormaker2.KafkaMirrorMaker2=kafka.strimzi.io_kafkamirrormaker2s.yaml)

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
    keep "$module, $file" "$dir/$file" "$DIR/$(basename "$file")"
  done
}

# keep <source> <file> <target>: the target is the file with a first line naming its source
# (under --check: the target is compared with that instead).
keep() {
  local source=$1 file=$2 target=$3 content
  content="# From $source: refreshed by crds/refresh.sh, do not edit."$'\n'"$(cat "$file")"
  if $check; then
    if [ "$content" != "$(cat "$target" 2>/dev/null)" ]; then
      echo "refresh-crds: $(basename "$target") differs from $source: run bash tools/k8s-validate/crds/refresh.sh" >&2
      stale=1
    fi
  else
    printf '%s\n' "$content" >"$target"
  fi
}

# java21: a Java runtime of at least version 21 (Strimzi's generator is built for it).
java21() {
  local java
  for java in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} java /usr/lib/jvm/*/bin/java; do
    command -v "$java" >/dev/null || continue
    local major
    major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    [ "${major:-0}" -ge 21 ] 2>/dev/null && { echo "$java"; return; }
  done
  echo "refresh-crds: Strimzi's CRD generator needs a Java >= 21 runtime (set JAVA_HOME)" >&2
  exit 1
}

# generate_strimzi <class=file>...: each CRD, written by Strimzi's generator, then compared or
# kept as copy() does.
generate_strimzi() {
  command -v mvn >/dev/null || { echo "refresh-crds: mvn is needed for Strimzi's CRDs" >&2; exit 1; }
  local java version classpath out
  java=$(java21)
  version=$(sed -n 's|.*<strimzi.version>\(.*\)</strimzi.version>.*|\1|p' "$DIR/strimzi.pom.xml")
  out=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: $out is local
  trap "rm -rf '$out'" EXIT
  mvn -B -q -Dstyle.color=never -f "$DIR/strimzi.pom.xml" dependency:build-classpath -Dmdep.outputFile="$out/classpath" >&2
  classpath=$(cat "$out/classpath")
  local args=() entry
  for entry in "$@"; do
    args+=("${entry%%=*}=$out/${entry#*=}")
  done
  "$java" -cp "$classpath" io.strimzi.crdgenerator.CrdGenerator --label app:strimzi \
    --label strimzi.io/crd-install:true --target-kube 1.16+ --crd-api-version v1 \
    --api-versions v1 --storage-version v1 --yaml "${args[@]}" >&2
  for entry in "$@"; do
    keep "io.strimzi:api:$version, ${entry%%=*} (CrdGenerator)" "$out/${entry#*=}" "$DIR/${entry#*=}"
  done
}

copy "$PROMETHEUS_OPERATOR" "${PROMETHEUS_OPERATOR_CRDS[@]}"
copy "$KEDA" "${KEDA_CRDS[@]}"
copy "$CLOUDNATIVE_PG" "${CLOUDNATIVE_PG_CRDS[@]}"
generate_strimzi "${STRIMZI_CRDS[@]}"
exit $stale

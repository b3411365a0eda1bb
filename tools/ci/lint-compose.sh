#!/usr/bin/env bash
# Checks docker-compose.yml in each way the project starts it, without a Docker engine:
#   whole system        docker compose up
#   servers only        docker compose -f docker-compose.yml -f compose/servers.yml up   (infra:up)
#   no observability    docker compose -f docker-compose.yml -f compose/no-observability.yml up
# For each: `docker-compose config --quiet` (the real compose CLI: schema, interpolation, overlays,
# profiles, references between services) must pass without a single warning, and compose-lint
# (tools/compose-lint/main.go, on compose-go, the library the CLI loads files with) checks the
# rules of this repository on the services that view starts: a healthcheck on each, images
# pinned to a version, ports published on loopback only, `depends_on` waiting for
# service_healthy, bind-mount sources that exist. The servers view must start exactly the
# services infra.sh runs natively.
#
# Both are built with Go from tools/compose-lint (compose is a module of its own there, pinned in
# its go.mod: `go install module@version` refuses compose's exclude directives) into
# $INFRA_HOME/bin, once, and again when go.mod, go.sum or the lint's sources change. The first
# build compiles compose and much of Docker's CLI: a few minutes. No npm linter (dclint) is
# installed in this repository; compose-lint's rules are the ones that matter here.
set -euo pipefail
shopt -s inherit_errexit # a failed build inside $(...) stops the script
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${INFRA_HOME:-"$ROOT/.infra"}/bin
SRC=$ROOT/tools/compose-lint

build() {
  local stamp
  stamp=$(cat "$SRC"/go.mod "$SRC"/go.sum "$SRC"/*.go | sha256sum | cut -c1-16)
  if [ ! -x "$BIN/docker-compose" ] || [ ! -x "$BIN/compose-lint" ] ||
    [ "$(cat "$BIN/compose-lint.version" 2>/dev/null)" != "$stamp" ]; then
    command -v go >/dev/null || { echo "lint-compose: Go >= 1.26.8 is needed to build compose" >&2; exit 1; }
    mkdir -p "$BIN"
    echo "lint-compose: testing and building tools/compose-lint and the compose CLI" >&2
    (cd "$SRC" && go test ./... >&2 &&
      go build -trimpath -o "$BIN/compose-lint" . &&
      go build -trimpath -o "$BIN/docker-compose" \
        -ldflags "-X github.com/docker/compose/v5/internal.Version=$(go list -m -f '{{.Version}}' github.com/docker/compose/v5)" \
        github.com/docker/compose/v5/cmd) >&2
    echo "$stamp" >"$BIN/compose-lint.version"
  fi
}

# check <name> <compose file>...: config and lint of one way of starting the system; prints the
# services it starts.
check() {
  local name=$1; shift
  local files=() warnings
  for f in "$@"; do files+=(-f "$f"); done
  # Compose reads .env and the caller's variables: neither may hide a missing default here.
  warnings=$(cd "$ROOT" && env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
    "$BIN/docker-compose" "${files[@]}" --env-file /dev/null config --quiet 2>&1) ||
    { printf 'compose (%s): docker compose config fails:\n%s\n' "$name" "$warnings" >&2; exit 1; }
  if [ -n "$warnings" ]; then
    printf 'compose (%s): docker compose config warns:\n%s\n' "$name" "$warnings" >&2
    exit 1
  fi
  (cd "$ROOT" && "$BIN/compose-lint" "$@" >&2) || { echo "compose ($name): compose-lint fails (above)" >&2; exit 1; }
  (cd "$ROOT" && env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
    "$BIN/docker-compose" "${files[@]}" --env-file /dev/null config --services | sort)
}

build
all=$(check "whole system" docker-compose.yml)
servers=$(check "servers only" docker-compose.yml compose/servers.yml)
lean=$(check "no observability" docker-compose.yml compose/no-observability.yml)

native=$(grep -oP '^ALL_SERVICES=\(\K[^)]*' "$ROOT/tools/infra/infra.sh" | tr ' ' '\n' | sort)
if [ "$servers" != "$native" ]; then
  printf 'compose (servers only) starts:\n%s\nbut infra.sh runs natively:\n%s\n' "$servers" "$native" >&2
  exit 1
fi
echo "compose: the whole system ($(wc -l <<<"$all") services), servers only ($(wc -l <<<"$servers")," \
  "as infra.sh) and without observability ($(wc -l <<<"$lean")) pass config and compose-lint"

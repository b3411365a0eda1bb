#!/usr/bin/env bash
# Toxiproxy, the TCP proxy of the fault suite's network scenario (docs/reliability.md):
#   toxiproxy.sh up | down | url
# Built with `go install` from the Go module proxy at a pinned version into $INFRA_HOME/toxiproxy,
# started on loopback with its HTTP API on FAULTS_TOXIPROXY_PORT (default 28474) and its per-proxy
# byte counters on /metrics. The scenario creates its proxies and toxics through that API.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
INFRA_HOME=${INFRA_HOME:-"$ROOT/.infra/faults"}
DIR="$INFRA_HOME/toxiproxy"
VERSION=v2.5.0
PORT=${FAULTS_TOXIPROXY_PORT:-28474}
BIN="$DIR/bin/server"

log() { printf '[toxiproxy] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
alive() { [ -f "$DIR/toxiproxy.pid" ] && kill -0 "$(cat "$DIR/toxiproxy.pid")" 2>/dev/null; }
answers() { curl -fsS "http://127.0.0.1:$PORT/version" >/dev/null 2>&1; }

install() {
  [ "$(cat "$DIR/version" 2>/dev/null)" = "$VERSION" ] && [ -x "$BIN" ] && return 0
  command -v go >/dev/null || die "building Toxiproxy needs Go (https://go.dev/doc/install)"
  log "building Toxiproxy $VERSION with $(go version | cut -d' ' -f3)"
  mkdir -p "$DIR/bin"
  GOBIN="$DIR/bin" go install "github.com/Shopify/toxiproxy/v2/cmd/server@$VERSION" >"$DIR/build.log" 2>&1 \
    || die "building Toxiproxy failed; see $DIR/build.log"
  echo "$VERSION" >"$DIR/version"
}

up() {
  mkdir -p "$DIR"
  install
  if ! alive; then
    answers && die "something else answers on 127.0.0.1:$PORT; choose another FAULTS_TOXIPROXY_PORT"
    # warn: its default level logs every connection and every chunk it forwards.
    LOG_LEVEL=warn "$BIN" -host 127.0.0.1 -port "$PORT" -proxy-metrics >"$DIR/toxiproxy.log" 2>&1 </dev/null &
    echo $! >"$DIR/toxiproxy.pid"
    disown
  fi
  local deadline=$((SECONDS + 30))
  until answers; do
    ((SECONDS < deadline)) || die "Toxiproxy not answering on 127.0.0.1:$PORT; see $DIR/toxiproxy.log"
    sleep 0.2
  done
  log "API on http://127.0.0.1:$PORT"
}

down() {
  alive || return 0
  local pid; pid=$(cat "$DIR/toxiproxy.pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$DIR/toxiproxy.pid"
  log "stopped"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  url) echo "http://127.0.0.1:$PORT" ;;
  *) die "usage: toxiproxy.sh up|down|url" ;;
esac

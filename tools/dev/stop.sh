#!/usr/bin/env bash
# Stops the apps that `npm start` runs natively (SIGTERM: they drain and exit), e.g. from another
# terminal or when the starting shell is gone. The servers keep running: npm run infra:down.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LOG_DIR="${INFRA_HOME:-$ROOT/.infra}/apps"
shopt -s nullglob
for pidfile in "$LOG_DIR"/*.pid; do
  pid=$(cat "$pidfile")
  app=$(basename "$pidfile" .pid)
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    echo "$app stopped"
  fi
  rm -f "$pidfile"
done

#!/usr/bin/env bash
# Sets up and runs the system: installs dependencies, starts the real servers, builds and starts
# every app, waits until each answers /health/ready, prints where everything is, and on Ctrl-C
# (or SIGTERM, or `npm run stop`) stops the apps gracefully. The servers stay up for the next run (npm run infra:down).
#
# With a Docker engine (and INFRA_MODE unset or docker) everything runs under docker compose;
# otherwise the servers run natively (tools/infra/infra.sh) and the apps as node processes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

# app name and port, in start order (the gateway last: it fronts the others).
APPS=(auth-service:3001 order-service:3002 notification-service:3003 analytics-ingest:3004 dlq-consumer:3005 api-gateway:3000)

require_node
ensure_deps

if [ "${INFRA_MODE:-auto}" != native ] && command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  step "starting everything with docker compose"
  docker compose up -d --build --wait
  docker compose ps
  echo
  cat <<TXT
The system runs.
  Gateway:     http://127.0.0.1:${GATEWAY_HTTP_PORT:-3000}
  API docs:    http://127.0.0.1:${GATEWAY_HTTP_PORT:-3000}/docs   (OpenAPI: /openapi.json)
  Dashboards:  http://127.0.0.1:${GRAFANA_PORT:-3030}   (Grafana, folder Platform)
  Traces:      http://127.0.0.1:${JAEGER_UI_PORT:-16686}   (Jaeger)
  Prometheus:  http://127.0.0.1:${PROMETHEUS_PORT:-9090}   (alerts: /alerts)
  Demo traffic: npm run demo
Stop with: docker compose down
TXT
  exit 0
fi

step "infrastructure"
bash tools/infra/infra.sh up

step "building the apps"
names=()
for entry in "${APPS[@]}"; do names+=("${entry%%:*}"); done
npx nx run-many -t build -p "${names[@]}" --outputStyle=static

LOG_DIR="${INFRA_HOME:-$ROOT/.infra}/apps"
mkdir -p "$LOG_DIR"
pids=()

stop_apps() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    step "stopping the apps (SIGTERM: they drain and exit)"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    rm -f "$LOG_DIR"/*.pid
  fi
  echo "Apps stopped. The servers keep running: npm run infra:down stops them."
}
trap stop_apps INT TERM EXIT

step "starting the apps"
eval "$(bash tools/infra/infra.sh env)"
# The apps take the development values of their secrets only under NODE_ENV=development|test;
# they listen on 127.0.0.1 (HTTP_HOST) and serve /metrics on *_METRICS_PORT (9400-9405).
export NODE_ENV=${NODE_ENV:-development}
for entry in "${APPS[@]}"; do
  app=${entry%%:*}
  port=${entry##*:}
  node "dist/apps/$app/main.js" >"$LOG_DIR/$app.log" 2>&1 &
  pids+=($!)
  echo $! >"$LOG_DIR/$app.pid"
  deadline=$((SECONDS + 60))
  until curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    if ! kill -0 "${pids[-1]}" 2>/dev/null || ((SECONDS > deadline)); then
      echo "$app did not become ready on port $port; its log ($LOG_DIR/$app.log) ends with:"
      tail -n 20 "$LOG_DIR/$app.log"
      exit 1
    fi
    sleep 0.5
  done
  echo "$app ready on http://127.0.0.1:$port (log: $LOG_DIR/$app.log)"
done

cat <<TXT

The system runs.
  Gateway:   http://127.0.0.1:3000
  API docs:  http://127.0.0.1:3000/docs   (OpenAPI: /openapi.json)
  Metrics:   http://127.0.0.1:${PROMETHEUS_PORT:-9090}   (Prometheus: every app scraped, alerts and SLOs at /alerts)
             http://127.0.0.1:9400-9405/metrics (each app's metrics port); health: /health/live, /health/ready
  Traces:    http://127.0.0.1:${JAEGER_UI_PORT:-16686}/api/traces?service=api-gateway   (Jaeger's API; its UI and Grafana under docker compose)
  Demo:      npm run demo   (realistic traffic through the gateway, for the dashboards)
  Servers:   npm run infra:status
Ctrl-C (or npm run stop from another terminal) stops the apps gracefully.
TXT
wait "${pids[@]}"

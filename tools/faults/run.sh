#!/usr/bin/env bash
# The fault-injection suite (docs/reliability.md): the six built apps under steady load on servers
# of its own, which it stops, kills and restarts while it runs, then an accounting of every event.
#   npm run test:faults                              # every scenario, a few minutes
#   npm run test:faults -- -t 'ClickHouse'           # scenarios whose name matches
#   FAULTS_KEEP_SERVERS=1 npm run test:faults        # leave the fault servers running afterwards
#
# Its servers are native (even where Docker runs: the scenarios stop and kill server processes),
# live under .infra/faults (git-ignored) and listen on ports of their own, so the development stack
# and the test suite's servers are never disturbed. Loopback only.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../dev/common.sh"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

export INFRA_MODE=native INFRA_HOME="$ROOT/.infra/faults"
export KAFKA_PORT=${FAULTS_KAFKA_PORT:-29092} KAFKA_CONTROLLER_PORT=${FAULTS_KAFKA_CONTROLLER_PORT:-29093}
export POSTGRES_PORT=${FAULTS_POSTGRES_PORT:-25432} REDIS_PORT=${FAULTS_REDIS_PORT:-26379}
export CLICKHOUSE_HTTP_PORT=${FAULTS_CLICKHOUSE_HTTP_PORT:-28123}
export CLICKHOUSE_TCP_PORT=${FAULTS_CLICKHOUSE_TCP_PORT:-29000} MONGO_PORT=${FAULTS_MONGO_PORT:-37017}
# The network scenario reaches the broker through Toxiproxy (tools/faults/toxiproxy.sh): a second
# listener, whose advertised address is the proxy's port, so that no client goes around the proxy.
export KAFKA_PROXIED_PORT=${FAULTS_KAFKA_PROXIED_PORT:-29094}
export KAFKA_PROXIED_ADVERTISED_PORT=${FAULTS_KAFKA_PROXY_PORT:-29095}
export FAULTS_OWN_SERVERS=1
SERVERS=(postgres redis kafka clickhouse mongo)

require_node
ensure_deps

step "fault servers (${INFRA_HOME#"$ROOT"/})"
bash tools/infra/infra.sh up "${SERVERS[@]}"
eval "$(bash tools/infra/infra.sh env)"
# Traces would go nowhere: the fault servers have no Jaeger.
unset OTEL_EXPORTER_OTLP_ENDPOINT
if [ -z "${FAULTS_KEEP_SERVERS:-}" ]; then
  trap 'bash tools/infra/infra.sh down "${SERVERS[@]}" || true' EXIT
fi

step "build the apps"
npx nx run-many -t build --projects=auth-service,order-service,notification-service,analytics-ingest,dlq-consumer,api-gateway --outputStyle=static

step "fault scenarios"
rm -rf tmp/faults && mkdir -p tmp/faults
export APP_LOG_DIR="$ROOT/tmp/faults/logs"
npx jest -c e2e/jest.faults.config.cts --runInBand "$@"

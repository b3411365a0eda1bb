#!/usr/bin/env bash
# The region failover drill (docs/scaling.md#rpo-and-rto): two regions of native servers under
# .infra/drill/{a,b} on ports of their own (19xxx), MirrorMaker 2 and a PostgreSQL standby between
# them, the six built apps of each, steady traffic, region A SIGKILLed, the runbook automated, the
# books, then the failback. Prints its figures; writes tmp/drill/report.{json,md} and failover.svg.
#   npm run drill:failover
#   DRILL_RATE=8 DRILL_STEADY_S=60 npm run drill:failover
#   DRILL_KEEP=1 npm run drill:failover      # leave both regions running afterwards
# Native even where Docker runs (it kills server processes); the development stack is untouched.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../dev/common.sh"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

require_node
ensure_deps

step "build the apps"
npx nx run-many -t build --projects=auth-service,order-service,notification-service,analytics-ingest,dlq-consumer,api-gateway --outputStyle=static

step "failover drill"
# The apps' traces would go nowhere: the drill's regions have no Jaeger.
unset OTEL_EXPORTER_OTLP_ENDPOINT
export APP_LOG_DIR="$ROOT/tmp/drill/logs"
rm -rf "$APP_LOG_DIR"
TS_NODE_PROJECT=e2e/tsconfig.json TS_NODE_TRANSPILE_ONLY=true \
  node -r ts-node/register -r ./tools/dev/register-paths.js e2e/src/drill/failover.script.ts

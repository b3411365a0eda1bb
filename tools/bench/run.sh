#!/usr/bin/env bash
# Runs one benchmark script (TypeScript, the workspace's path aliases) against the running servers:
#   bash tools/bench/run.sh messaging [--messages 200000]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
name=$1; shift
cd "$ROOT"
export TS_NODE_PROJECT="$ROOT/tools/bench/tsconfig.json" TS_NODE_TRANSPILE_ONLY=true
exec node --max-old-space-size=4096 -r ts-node/register -r ./tools/dev/register-paths.js "tools/bench/$name.bench.ts" "$@"

#!/usr/bin/env bash
# The whole test suite, from a fresh clone: install, lint, typecheck, unit tests, provision the real
# servers, integration tests. Exits non-zero on any failure and ends with one line of totals.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../dev/common.sh"
cd "$ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false FORCE_COLOR=0

require_node
ensure_deps

results_dir="$ROOT/tmp/test-results"
rm -rf "$results_dir" && mkdir -p "$results_dir"
export JEST_RESULTS_DIR=$results_dir

step "format, lint and typecheck"
bash tools/ci/check-commits.sh
# Formatting is checked, not fixed: \`npm run format\` writes it.
npx prettier --check . --log-level warn
bash tools/ci/shellcheck.sh
npx nx run-many -t lint typecheck --outputStyle=static
# The gateway's OpenAPI document, written from the code, passes redocly lint, and the typed client
# committed in e2e/src/gateway-client is the one it generates (docs/api.md).
npx nx run-many -t openapi-lint gateway-client-check --outputStyle=static
bash tools/ci/lint-deploy.sh
bash tools/ci/lint-compose.sh

step "unit tests"
npx nx run-many -t test --outputStyle=static --skipNxCache

step "infrastructure (npm run infra:up)"
bash tools/infra/infra.sh up
# Under docker compose Redis and MongoDB require credentials: the tests take the stores' URLs from
# infra.sh (natively they are the defaults the tests assume anyway).
eval "$(bash tools/infra/infra.sh env | grep -E '^export (REDIS|MONGO)_URL=')"
# The DLQ console's end-to-end test drives Debian's Chromium.
bash tools/dev/ensure-browser.sh

step "integration tests (real servers)"
# One project at a time: the suites share two cores with five servers.
npx nx run-many -t test-int --parallel=1 --outputStyle=static

echo "The servers are left running for the next run (npm run infra:status, npm run infra:down)."
node tools/ci/summarize-tests.js "$results_dir"

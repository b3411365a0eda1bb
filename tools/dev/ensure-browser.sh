#!/usr/bin/env bash
# Installs Debian's chromium when it is missing: the browser the DLQ console's end-to-end test
# (e2e/src/dlq-console.e2e.spec.ts) drives with playwright-core at /usr/bin/chromium.
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/ensure-package.sh" chromium chromium

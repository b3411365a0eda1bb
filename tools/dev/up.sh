#!/usr/bin/env bash
# Sets up and runs the system: installs dependencies, starts the real servers (Docker compose where a
# Docker engine answers, natively otherwise) and prints where everything is.
# Apps join this script as they are added to apps/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

require_node
ensure_deps

step "infrastructure"
bash tools/infra/infra.sh up

step "running"
bash tools/infra/infra.sh status
cat <<TXT

Connection settings (the same variables the apps and tests read):
$(bash tools/infra/infra.sh env | sed 's/^/  /')

Stop everything with: npm run infra:down
TXT

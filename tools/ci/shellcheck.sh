#!/usr/bin/env bash
# Runs shellcheck (pinned, tools/ci/ensure-shellcheck.sh) on every shell script git tracks: *.sh
# and .ci/run. Every severity counts, style included; .shellcheckrc lets it follow `source`d files.
# A finding that is wrong about a line is silenced on that line only, with the reason:
#   # shellcheck disable=SC2034 # read by render, through ${!key}
set -euo pipefail
shopt -s inherit_errexit # a failed install inside $(...) stops the script
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

shellcheck=$(bash tools/ci/ensure-shellcheck.sh)
mapfile -t scripts < <(git ls-files '*.sh' .ci/run)
"$shellcheck" --severity=style "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} scripts pass"

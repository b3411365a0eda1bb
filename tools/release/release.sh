#!/usr/bin/env bash
# npm run release: turns the pending changesets (.changeset/*.md) into the next version and its
# CHANGELOG.md entry, commits that as "release: v<version>" and tags the commit v<version>.
# Nothing is published (the root package is private); push with `git push --follow-tags`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "release: the work tree has uncommitted changes; commit or stash them first" >&2
  exit 1
fi
shopt -s nullglob
changesets=()
for file in .changeset/*.md; do
  [ "$(basename "$file")" = README.md ] || changesets+=("$file")
done
if [ "${#changesets[@]}" -eq 0 ]; then
  echo "release: no changesets in .changeset/ (add one with npx changeset), nothing to release" >&2
  exit 1
fi

npx changeset version
version=$(node -p "require('./package.json').version")
# changeset writes package.json only; package-lock.json carries the version too.
npm version "$version" --no-git-tag-version --allow-same-version >/dev/null
git add package.json package-lock.json CHANGELOG.md .changeset
git commit --quiet -m "release: v$version" -m "CHANGELOG.md entry from ${#changesets[@]} changeset(s)."
npx changeset git-tag
echo "release: v$version committed and tagged; push with git push --follow-tags"

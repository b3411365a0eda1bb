#!/usr/bin/env bash
# Fails when a new commit's subject is longer than 72 characters, so that it reads whole in
# `git log --oneline`, a shortlog or an email subject. Usage: check-commits.sh [<base>]
# New commits are <base>..HEAD without merges (git writes those subjects), where <base> is
#   - the argument, when it names a commit here: the workflow passes the pull request's base, or
#     the commit before a push;
#   - else the merge base of HEAD and origin/main, when the clone has that branch;
#   - else BASELINE below: the last commit before this check existed, so that the history
#     before it, which has longer subjects, never fails it.
# A clone too shallow to hold the base checks HEAD alone.
set -euo pipefail
export LC_ALL=C.UTF-8 # ${#subject} counts characters, not bytes
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
MAX_SUBJECT=72
BASELINE=2e54d45d7152bd77b9f9c64accfff12712796f00

if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "check-commits: not a git checkout, nothing to check"
  exit 0
fi

is_commit() { [ -n "$1" ] && git cat-file -e "$1^{commit}" 2>/dev/null; }

base=${1:-}
if [ -n "$base" ] && ! is_commit "$base"; then
  # A push that creates a branch has no previous commit (all zeros); a shallow clone lacks it.
  echo "check-commits: $base is not a commit here, using the default base" >&2
  base=
fi
if [ -z "$base" ] && git rev-parse -q --verify origin/main >/dev/null; then
  base=$(git merge-base HEAD origin/main)
fi
if [ -z "$base" ] && is_commit "$BASELINE"; then
  base=$BASELINE
fi
if [ -n "$base" ]; then
  range=("$base..HEAD")
  since="since ${base:0:12}"
else
  range=(-1 HEAD)
  since="(HEAD only: the clone has no base)"
fi

count=0
failed=0
while IFS=' ' read -r sha subject; do
  count=$((count + 1))
  if [ "${#subject}" -gt "$MAX_SUBJECT" ]; then
    echo "check-commits: ${sha:0:12} has a subject of ${#subject} characters (at most $MAX_SUBJECT): $subject" >&2
    failed=$((failed + 1))
  fi
done < <(git log --no-merges --format='%H %s' "${range[@]}")

noun=commits
[ "$count" -ne 1 ] || noun=commit
if [ "$failed" -gt 0 ]; then
  echo "check-commits: subjects over $MAX_SUBJECT characters in $failed of $count $noun $since: reword them (git commit --amend, git rebase -i)" >&2
  exit 1
fi
echo "check-commits: $count $noun $since, every subject at most $MAX_SUBJECT characters"

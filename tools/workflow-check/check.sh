#!/usr/bin/env bash
# Validates every workflow in .github/workflows/ against GitHub's workflow schema with
# action-validator (pinned in package.json), and checks the path globs the workflows name.
# Exits non-zero when any file fails. Run from anywhere: tools/workflow-check/check.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
validator="$here/node_modules/.bin/action-validator"

if [ ! -x "$validator" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

shopt -s nullglob
workflows=("$root"/.github/workflows/*.yml "$root"/.github/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then
  echo "no workflow files in $root/.github/workflows" >&2
  exit 1
fi

# action-validator resolves the globs a workflow names (paths filters, cache paths) from the
# current directory, so it runs from the repository root
cd "$root"
failed=0
for workflow in "${workflows[@]}"; do
  name="${workflow#"$root"/}"
  if "$validator" "$name"; then
    echo "ok      $name"
  else
    echo "FAILED  $name" >&2
    failed=$((failed + 1))
  fi
done

if [ "$failed" -gt 0 ]; then
  echo "$failed of ${#workflows[@]} workflow files failed validation" >&2
  exit 1
fi
echo "all ${#workflows[@]} workflow files valid"

#!/usr/bin/env bash
# Runs shellcheck on every shell script in the repository: each file whose first line is a sh or
# bash shebang, whatever its name (.ci/run has no extension), outside build output and node_modules.
# A new script is linted without being listed anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts=()
while IFS= read -r file; do
  IFS= read -r first <"$file" || true
  case "$first" in
    '#!'*/sh | '#!'*/bash | '#!'*' sh' | '#!'*' bash' | '#!'*/sh' '* | '#!'*/bash' '*) scripts+=("$file") ;;
  esac
done < <(find . \( -name node_modules -o -name target -o -name .git -o -name .data -o -name dist \) -prune \
  -o -type f -size -1024k -print | LC_ALL=C sort)

if [ ${#scripts[@]} -eq 0 ]; then
  echo "no shell scripts found: the search is broken" >&2
  exit 1
fi
shellcheck "${scripts[@]}"
echo "shellcheck: ${#scripts[@]} scripts clean (${scripts[*]})"

#!/usr/bin/env bash
# Checks the Terraform in doks/ without a terraform binary or provider download: check.mjs parses
# every .tf file with HashiCorp's HCL parser (@cdktf/hcl2json, pinned in package.json) and holds
# the configuration to the rules it lists. With terraform on PATH, terraform fmt -check runs too.
# Exits non-zero when any file fails. Run from anywhere: tools/terraform-check/check.sh [dir]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${1:-$root/doks}"

if [ ! -d "$here/node_modules/@cdktf/hcl2json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

node "$here/check.mjs" "$dir"

if command -v terraform >/dev/null 2>&1; then
  # terraform prints a warning about a missing ~/.terraformrc on stderr: only the verdict matters
  if ! terraform fmt -check -diff "$dir" 2>/dev/null; then
    echo "terraform fmt: the files above are not in canonical format (run terraform fmt $dir)" >&2
    exit 1
  fi
  echo "terraform fmt: canonical"
fi

#!/usr/bin/env bash
# Builds daprd from the Go module proxy (never a release download) into a cache outside the clone,
# keyed by the pinned version: $XDG_CACHE_HOME (or ~/.cache)/todo-chatbot/dapr-<version>/daprd.
# Rebuilt only when that file is missing. Prints the binary's path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# the dapr/dapr version go.mod requires: the one pin
version="$(sed -n 's|^require github.com/dapr/dapr v||p' "$here/go.mod")"
[ -n "$version" ] || { echo "tools/daprd/go.mod names no github.com/dapr/dapr version" >&2; exit 1; }
out="${XDG_CACHE_HOME:-$HOME/.cache}/todo-chatbot/dapr-$version"
if [ ! -x "$out/daprd" ]; then
  command -v go >/dev/null 2>&1 || { echo "go not found: daprd cannot be built (the real-daprd tests are skipped)" >&2; exit 1; }
  mkdir -p "$out"
  echo "Building daprd $version from the Go module proxy into $out (the first build takes a few minutes)" >&2
  # stablecomponents registers kafka, cron, local.file, mdns...; without a tag daprd panics at start-up.
  # The -X flags set the version daprd reports (else "edge").
  (cd "$here" && CGO_ENABLED=0 go build -tags stablecomponents -trimpath \
    -ldflags "-X github.com/dapr/dapr/pkg/buildinfo.version=$version -X github.com/dapr/kit/logger.DaprVersion=$version" \
    -o "$out/daprd.partial" github.com/dapr/dapr/cmd/daprd)
  mv "$out/daprd.partial" "$out/daprd"
fi
echo "$out/daprd"

#!/usr/bin/env bash
# Builds Dapr's Sentry (the certificate authority that gives each daprd its mTLS identity) from the same
# pinned module as build.sh builds daprd, into the same cache directory:
# $XDG_CACHE_HOME (or ~/.cache)/todo-chatbot/dapr-<version>/sentry. Rebuilt only when that file is missing.
# Prints the binary's path. Without it, SIDECAR=daprd runs without mTLS, so without access control.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="$(sed -n 's|^require github.com/dapr/dapr v||p' "$here/go.mod")"
[ -n "$version" ] || { echo "tools/daprd/go.mod names no github.com/dapr/dapr version" >&2; exit 1; }
out="${XDG_CACHE_HOME:-$HOME/.cache}/todo-chatbot/dapr-$version"
if [ ! -x "$out/sentry" ]; then
  command -v go >/dev/null 2>&1 || { echo "go not found: sentry cannot be built (SIDECAR=daprd then runs without mTLS)" >&2; exit 1; }
  mkdir -p "$out"
  echo "Building sentry $version from the Go module proxy into $out" >&2
  # the flags of build.sh; no stablecomponents tag, since Sentry registers no components
  (cd "$here" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-X github.com/dapr/dapr/pkg/buildinfo.version=$version -X github.com/dapr/kit/logger.DaprVersion=$version" \
    -o "$out/sentry.partial" github.com/dapr/dapr/cmd/sentry)
  mv "$out/sentry.partial" "$out/sentry"
fi
echo "$out/sentry"

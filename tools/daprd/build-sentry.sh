#!/usr/bin/env bash
# Builds Dapr's Sentry (the certificate authority that gives each daprd its mTLS identity) from the same
# pinned module as build.sh builds daprd, into the same cache directory:
# $XDG_CACHE_HOME (or ~/.cache)/todo-chatbot/dapr-<version>/sentry. The command is ours (sentry/main.go: Dapr's
# pkg/sentry with every listener on loopback, see its header); rebuilt when the pin or that file changes.
# Prints the binary's path. Without it, SIDECAR=daprd runs without mTLS, so without access control.
#
# --skip-without-go: on a machine without Go, say so and exit 0.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
skip_without_go=false
[ "${1:-}" = --skip-without-go ] && skip_without_go=true
version="$(sed -n 's|^require github.com/dapr/dapr v||p' "$here/go.mod")"
[ -n "$version" ] || { echo "tools/daprd/go.mod names no github.com/dapr/dapr version" >&2; exit 1; }
out="${XDG_CACHE_HOME:-$HOME/.cache}/todo-chatbot/dapr-$version"
stamp="$version $(sha256sum "$here/sentry/main.go" | cut -d' ' -f1)"
if [ ! -x "$out/sentry" ] || [ "$(cat "$out/sentry.version" 2>/dev/null)" != "$stamp" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "go not found: sentry cannot be built (SIDECAR=daprd then runs without mTLS)" >&2
    $skip_without_go && exit 0
    exit 1
  fi
  mkdir -p "$out"
  echo "Building sentry $version from the Go module proxy into $out" >&2
  # the flags of build.sh; no stablecomponents tag, since Sentry registers no components
  (cd "$here" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-X github.com/dapr/dapr/pkg/buildinfo.version=$version -X github.com/dapr/kit/logger.DaprVersion=$version" \
    -o "$out/sentry.partial" ./sentry)
  mv "$out/sentry.partial" "$out/sentry"
  echo "$stamp" >"$out/sentry.version"
fi
echo "$out/sentry"

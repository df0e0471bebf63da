#!/usr/bin/env bash
# Builds daprd and the Dapr CLI from the Go module proxy (never a release download) into a cache
# outside the clone, keyed by the pinned daprd version: $XDG_CACHE_HOME (or ~/.cache)/todo-chatbot/
# dapr-<version>/, holding daprd, dapr (the CLI) and the runtime directory the CLI looks for
# (.dapr/bin/daprd, .dapr/config.yaml, .dapr/components/), so that
#   DAPR_RUNTIME_PATH=<that directory> <that directory>/dapr run -f dapr/dapr.yaml
# starts this daprd without `dapr init`. Each binary is rebuilt only when missing or its pin changed.
# Also Sentry (build-sentry.sh). Prints daprd's path.
#
# --skip-without-go: on a machine without Go, say so and exit 0 (make test: the real-daprd tests skip).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
skip_without_go=false
[ "${1:-}" = --skip-without-go ] && skip_without_go=true

# the pins: the versions go.mod and cli/go.mod require
version="$(sed -n 's|^require github.com/dapr/dapr v||p' "$here/go.mod")"
cli_version="$(sed -n 's|^require github.com/dapr/cli v||p' "$here/cli/go.mod")"
[ -n "$version" ] || { echo "tools/daprd/go.mod names no github.com/dapr/dapr version" >&2; exit 1; }
[ -n "$cli_version" ] || { echo "tools/daprd/cli/go.mod names no github.com/dapr/cli version" >&2; exit 1; }
out="${XDG_CACHE_HOME:-$HOME/.cache}/todo-chatbot/dapr-$version"

need_go() {
  command -v go >/dev/null 2>&1 && return 0
  echo "go not found: $1 cannot be built, so the real-daprd tests are skipped (install Go 1.24 or newer)" >&2
  $skip_without_go && exit 0
  exit 1
}

if [ ! -x "$out/daprd" ]; then
  need_go "daprd $version"
  mkdir -p "$out"
  echo "Building daprd $version from the Go module proxy into $out (the first build takes a few minutes)" >&2
  # stablecomponents registers kafka, cron, local.file, mdns...; without a tag daprd panics at start-up.
  # The -X flags set the version daprd reports (else "edge").
  (cd "$here" && CGO_ENABLED=0 go build -tags stablecomponents -trimpath \
    -ldflags "-X github.com/dapr/dapr/pkg/buildinfo.version=$version -X github.com/dapr/kit/logger.DaprVersion=$version" \
    -o "$out/daprd.partial" github.com/dapr/dapr/cmd/daprd)
  mv "$out/daprd.partial" "$out/daprd"
fi

# the CLI's pin may move without daprd's: dapr.version says which release $out/dapr was built from
if [ ! -x "$out/dapr" ] || [ "$(cat "$out/dapr.version" 2>/dev/null)" != "$cli_version" ]; then
  need_go "the Dapr CLI $cli_version"
  echo "Building the Dapr CLI $cli_version from the Go module proxy into $out" >&2
  # the -X flags of the CLI's Makefile: without them it reports "edge"
  (cd "$here/cli" && CGO_ENABLED=0 go build -trimpath \
    -ldflags "-X main.version=$cli_version -X main.apiVersion=1.0 -X github.com/dapr/cli/pkg/standalone.gitversion=v$cli_version" \
    -o "$out/dapr.partial" github.com/dapr/cli)
  mv "$out/dapr.partial" "$out/dapr"
  echo "$cli_version" >"$out/dapr.version"
fi

# What `dapr init --slim` would leave in ~/.dapr, here instead: the CLI looks for <runtime path>/.dapr/bin/daprd
# (DAPR_RUNTIME_PATH), and `dapr run` without --config or --resources-path for config.yaml and components/.
mkdir -p "$out/.dapr/bin" "$out/.dapr/components"
cp "$here/loopback-daprd.sh" "$out/.dapr/bin/daprd.partial"
mv "$out/.dapr/bin/daprd.partial" "$out/.dapr/bin/daprd"
[ -f "$out/.dapr/config.yaml" ] || printf '%s\n' "apiVersion: dapr.io/v1alpha1" "kind: Configuration" \
  "metadata:" "  name: daprConfig" "spec: {}" >"$out/.dapr/config.yaml"
# Sentry, for mTLS between the sidecars under SIDECAR=daprd (the access-control lists need its identities)
sentry_args=()
$skip_without_go && sentry_args=(--skip-without-go)
"$here/build-sentry.sh" "${sentry_args[@]}" >/dev/null
echo "$out/daprd"

#!/usr/bin/env bash
# Installed by build.sh as <runtime path>/.dapr/bin/daprd, the daprd the Dapr CLI starts (`dapr run`,
# `dapr run -f`): the real daprd beside it, with its internal gRPC port (where other sidecars call it;
# no mTLS without Sentry, so whoever reaches it can invoke the app) and its metrics bound to loopback.
# daprd binds both on every interface by default, and neither the CLI's flags nor the run file
# (dapr/dapr.yaml) can set them; the API is bound by the run file's apiListenAddresses. A flag given
# again later on the command line wins.
exec "$(dirname "$0")/../../daprd" --dapr-internal-grpc-listen-address 127.0.0.1 --metrics-listen-address 127.0.0.1 "$@"

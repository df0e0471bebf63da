#!/usr/bin/env bash
# make dapr-run: the six services beside real daprd, started as dapr/README.md tells a new user to, with
# `dapr run -f dapr/dapr.yaml`, by the Dapr CLI and daprd that `make daprd` builds (no `dapr init`).
# Around that, what the README leaves to the user:
#   - an embedded PostgreSQL and Kafka (data in ${DATA_DIR:-.data}/dapr-run), unless DATABASE_URL and
#     KAFKA_BROKERS are given (the same switch as make run);
#   - dapr/secrets.json, written with a new jwt-secret if there is none;
#   - Dapr's two tokens, new for each run unless DAPR_API_TOKEN and APP_API_TOKEN are given;
#   - the machine's app-id lock, held until everything has stopped (see WithAppIdLock.java).
# Ctrl-C or SIGTERM stops it all: SIGINT to the CLI's process group (the CLI, each daprd, each app; what
# `dapr stop -f dapr/dapr.yaml` sends), then the embedded PostgreSQL and Kafka.
# Logs: modules/<app>/target/.dapr/logs/ and ${DATA_DIR:-.data}/dapr-run/infra.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${TODO_CHATBOT_APP_ID_LOCK:-}" != held ]; then
  exec java tools/dapr-run/WithAppIdLock.java "$0" "$@"
fi

# the sidecars find each other by mDNS, which needs an interface that is up (IFF_UP 0x1) and multicast-capable
# (IFF_MULTICAST 0x1000); a host with only loopback has none unless lo is given multicast
multicast=false
for flags in /sys/class/net/*/flags; do
  [ $(($(cat "$flags") & 0x1001)) -eq $((0x1001)) ] && multicast=true
done
$multicast || { echo "no network interface is up and multicast-capable, so the sidecars cannot find each other by mDNS;" \
  "give loopback multicast: sudo ip link set lo multicast on && sudo ip route add 224.0.0.0/4 dev lo" >&2; exit 1; }

daprd="$(tools/daprd/build.sh)"
runtime="$(dirname "$daprd")"
# where the CLI finds its daprd (<runtime>/.dapr/bin/daprd); the run file has no say in it
export DAPR_RUNTIME_PATH="$runtime"

version=0.1.0-SNAPSHOT
for app in edge task-service audit-service chat-service recurrence-service notification-service standalone; do
  jar="modules/$app/target/$app-$version-all.jar"
  [ -f "$jar" ] || { echo "$jar is missing: run make build first (make dapr-run does)" >&2; exit 1; }
done

data="${DATA_DIR:-.data}/dapr-run"
mkdir -p "$data"
infra_pid=
cli_pid=

# shellcheck disable=SC2317 # both run from the traps below
# waits up to $2 seconds for process $1 to be gone
gone_within() {
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

stopping=
# shellcheck disable=SC2317
stop_all() {
  # once: Ctrl-C reaches this script and WithAppIdLock together, which passes it on as SIGTERM, and a
  # trap that called exit while this runs would end the cleanup half-way
  [ -z "$stopping" ] || return 0
  stopping=1
  trap '' INT TERM
  if [ -n "$cli_pid" ] && kill -0 "$cli_pid" 2>/dev/null; then
    echo "Stopping the apps and their sidecars" >&2
    # the CLI makes itself a process group leader (its daprds and apps are in that group); before it has,
    # only the CLI itself is there to signal
    kill -INT -- "-$cli_pid" 2>/dev/null || kill -INT "$cli_pid" 2>/dev/null || true
    gone_within "$cli_pid" 30 || { echo "dapr run did not stop within 30 s: killed" >&2; kill -KILL -- "-$cli_pid" 2>/dev/null || true; }
  fi
  # whatever of its group outlived the CLI (it kills its children when it stops, not when it is killed)
  [ -z "$cli_pid" ] || kill -KILL -- "-$cli_pid" 2>/dev/null || true
  if [ -n "$infra_pid" ] && kill -0 "$infra_pid" 2>/dev/null; then
    echo "Stopping the embedded PostgreSQL and Kafka" >&2
    kill -TERM "$infra_pid" 2>/dev/null || true
    gone_within "$infra_pid" 90 || { echo "the embedded PostgreSQL and Kafka did not stop within 90 s: killed" >&2; kill -KILL "$infra_pid"; }
  fi
}
trap stop_all EXIT
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM

if [ -z "${DATABASE_URL:-}" ] || [ -z "${KAFKA_BROKERS:-}" ]; then
  # it starts what the environment does not name, and writes the addresses to infra.env once they answer
  rm -f "$data/infra.env"
  echo "Starting the embedded PostgreSQL and Kafka (data in $data; log $data/infra.log)" >&2
  java -cp "modules/standalone/target/standalone-$version-all.jar" dev.todochatbot.embedded.EmbeddedInfra \
    "$data" "$data/infra.env" >"$data/infra.log" 2>&1 &
  infra_pid=$!
  deadline=$((SECONDS + 180))
  until [ -f "$data/infra.env" ]; do
    if ! kill -0 "$infra_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
      echo "The embedded PostgreSQL and Kafka did not start; $data/infra.log ends:" >&2
      tail -n 20 "$data/infra.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  while IFS='=' read -r name value; do
    case "$name" in
      KAFKA_BROKERS) export KAFKA_BROKERS="$value" ;;
      DATABASE_URL) export DATABASE_URL="$value" ;;
    esac
  done <"$data/infra.env"
fi
# daprd reads the broker with envRef (components/pubsub.yaml); the services take DATABASE_URL from the
# environment before the secret store. The CLI passes its environment to every daprd and every app.
export KAFKA_BROKERS DATABASE_URL

if [ ! -f dapr/secrets.json ]; then
  # the secret store's file must exist for daprd to start; the services read jwt-secret from it
  (umask 077 && printf '{\n  "jwt-secret": "%s"\n}\n' "$(head -c 48 /dev/urandom | base64 -w0)" >dapr/secrets.json)
  echo "Wrote dapr/secrets.json with a new jwt-secret (see dapr/secrets.example.json for the other keys)" >&2
fi

token() { head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '='; }
export DAPR_API_TOKEN="${DAPR_API_TOKEN:-$(token)}" APP_API_TOKEN="${APP_API_TOKEN:-$(token)}"

"$runtime/dapr" run -f dapr/dapr.yaml &
cli_pid=$!
# until the CLI exits (its apps or sidecars failed it), or the embedded PostgreSQL and Kafka do, which
# leaves the apps nothing to work with
status=0
wait -n "$cli_pid" ${infra_pid:+"$infra_pid"} || status=$?
if [ -n "$infra_pid" ] && ! kill -0 "$infra_pid" 2>/dev/null; then
  echo "The embedded PostgreSQL and Kafka stopped; $data/infra.log ends:" >&2
  tail -n 20 "$data/infra.log" >&2
  exit 1
fi
exit "$status"

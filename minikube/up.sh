#!/usr/bin/env bash
# make minikube-up: the whole system on a local minikube, from nothing or from a previous run.
#
# Starts (or reuses) the minikube profile "todo-chatbot", installs the Dapr control plane, Kafka
# (Redpanda), PostgreSQL, kube-prometheus-stack, Loki and Grafana Alloy, builds the six images into
# minikube, creates the Secrets the chart names, installs charts/todo-chatbot with
# values-minikube.yaml, waits for the rollout and prints the URLs. Every step is an upgrade or an
# apply, so running it again only changes what changed. `make minikube-down` deletes the profile.
#
# Every kubectl and helm call names the profile's context: another cluster in your kubeconfig is
# never touched. Knobs (environment): MINIKUBE_PROFILE, MINIKUBE_DRIVER, MINIKUBE_CNI, MINIKUBE_CPUS,
# MINIKUBE_MEMORY, MINIKUBE_DISK, OPENAI_API_KEY (optional; stored in a Secret, never printed).
set -euo pipefail

# No external command may run before the prerequisite check (a missing one is reported, not hit),
# so the directory comes from bash itself rather than dirname.
here="${BASH_SOURCE[0]%/*}"
[ "$here" = "${BASH_SOURCE[0]}" ] && here=.
root="$(cd "$here/.." && pwd)"

# Versions, pinned. Charts: the version of the chart in its repository, not of the software in it.
readonly KUBERNETES_VERSION=v1.33.4
readonly DAPR_VERSION=1.16.9                  # chart dapr/dapr = runtime version
readonly KUBE_PROMETHEUS_STACK_VERSION=79.1.1 # prometheus-community/kube-prometheus-stack
readonly LOKI_VERSION=6.33.0                  # grafana/loki (single binary)
readonly ALLOY_VERSION=1.1.2                  # grafana/alloy (log shipper)
readonly DAPR_REPO=https://dapr.github.io/helm-charts/
readonly PROMETHEUS_REPO=https://prometheus-community.github.io/helm-charts
readonly GRAFANA_REPO=https://grafana.github.io/helm-charts

readonly PROFILE="${MINIKUBE_PROFILE:-todo-chatbot}"
readonly DRIVER="${MINIKUBE_DRIVER:-docker}"
readonly RELEASE=todo-chatbot
readonly NAMESPACE=todo-chatbot
readonly APP_HOST=todo.minikube.local
readonly GRAFANA_HOST=grafana.minikube.local
readonly SERVICES=(edge task-service chat-service audit-service recurrence-service notification-service)
# the Secrets of charts/todo-chatbot/values.yaml (secrets.*.name / .key)
readonly JWT_SECRET_NAME=todo-chatbot-jwt JWT_SECRET_KEY=jwt-secret
readonly DATABASE_SECRET_NAME=todo-chatbot-database DATABASE_SECRET_KEY=database-url
readonly OPENAI_SECRET_NAME=todo-chatbot-openai OPENAI_SECRET_KEY=openai-api-key
# Dapr's API token and app token (secrets.daprApiToken / appApiToken), each under Dapr's fixed key `token`
readonly DAPR_TOKEN_SECRETS=(todo-chatbot-dapr-api-token todo-chatbot-app-api-token)

say() { printf '==> %s\n' "$*"; }
die() { printf 'minikube-up: %s\n' "$*" >&2; exit 1; }

# Where to get each tool, in one sentence (a case, not an associative array: macOS ships bash 3.2).
why() {
  case "$1" in
    docker) echo "Docker runs the minikube node: https://docs.docker.com/get-docker/" ;;
    minikube) echo "minikube runs the local cluster: https://minikube.sigs.k8s.io/docs/start/" ;;
    kubectl) echo "kubectl applies manifests and waits for rollouts: https://kubernetes.io/docs/tasks/tools/" ;;
    helm) echo "helm installs Dapr, the monitoring stack and the chart: https://helm.sh/docs/intro/install/" ;;
    dapr) echo "the Dapr CLI checks the control plane (dapr status -k): https://docs.dapr.io/getting-started/install-dapr-cli/" ;;
    java) echo "Java 17 builds the images (make images): https://adoptium.net/" ;;
    mvn) echo "Maven builds the images (make images): https://maven.apache.org/install.html" ;;
    make) echo "make runs the image build: install it with your system's package manager" ;;
    git) echo "git names the image tag after the code: https://git-scm.com/downloads" ;;
    base64) echo "base64 (coreutils) encodes the generated secrets" ;;
  esac
}

# Each missing tool is named in one sentence, all of them before exiting, and nothing else runs.
check_prerequisites() {
  local missing=0 tool
  for tool in docker minikube kubectl helm dapr java mvn make git base64; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      printf 'missing: %s is not on PATH; %s\n' "$tool" "$(why "$tool")" >&2
      missing=$((missing + 1))
    fi
  done
  if [ "$missing" -gt 0 ]; then
    die "$missing prerequisite(s) missing; install them and run make minikube-up again"
  fi
  if [ "$DRIVER" = docker ] && ! docker info >/dev/null 2>&1; then
    die "docker is installed but its daemon does not answer (docker info failed); start Docker and run make minikube-up again"
  fi
}

kc() { kubectl --context "$PROFILE" "$@"; }
hm() { helm --kube-context "$PROFILE" "$@"; }

start_minikube() {
  if [ "$(minikube status -p "$PROFILE" --format '{{.Host}}/{{.APIServer}}' 2>/dev/null || true)" = "Running/Running" ]; then
    say "minikube profile $PROFILE is running"
  else
    # the whole system at rest needs about 6 GiB: six services and their sidecars, Redpanda,
    # PostgreSQL, Prometheus, Grafana, Loki, the Dapr and ingress control planes
    # Calico enforces the chart's NetworkPolicies, as Cilium does on DOKS (minikube's default CNI
    # ignores them, so a policy that blocks the ingress or Prometheus would only show in production)
    say "starting minikube profile $PROFILE (Kubernetes $KUBERNETES_VERSION)"
    minikube start -p "$PROFILE" --driver="$DRIVER" --kubernetes-version="$KUBERNETES_VERSION" \
      --cni="${MINIKUBE_CNI:-calico}" \
      --cpus="${MINIKUBE_CPUS:-4}" --memory="${MINIKUBE_MEMORY:-8g}" --disk-size="${MINIKUBE_DISK:-30g}"
  fi
  # enabling an enabled addon is a no-op
  minikube -p "$PROFILE" addons enable ingress >/dev/null
  minikube -p "$PROFILE" addons enable metrics-server >/dev/null
}

install_dapr() {
  say "Dapr $DAPR_VERSION control plane"
  hm upgrade --install dapr dapr --repo "$DAPR_REPO" --version "$DAPR_VERSION" \
    --namespace dapr-system --create-namespace --wait --timeout 10m
  # the Dapr CLI has no context flag: it reads a kubeconfig holding only this profile's context
  # (it holds the cluster's client key: removed however the script ends)
  kubeconfig="$(mktemp)"
  trap 'rm -f "$kubeconfig"' EXIT
  kc config view --minify --flatten >"$kubeconfig"
  KUBECONFIG="$kubeconfig" dapr status -k || die "the Dapr control plane is not healthy (dapr status -k)"
  rm -f "$kubeconfig"
}

install_data() {
  say "Kafka (Redpanda) and PostgreSQL"
  kc apply -f "$here/manifests/namespaces.yaml"
  # the database password is made once, kept in the cluster, and never leaves it except into the
  # application's database-url Secret below
  if ! kc -n postgres get secret postgres-credentials >/dev/null 2>&1; then
    random_secret | kc -n postgres create secret generic postgres-credentials --from-file=password=/dev/stdin >/dev/null
  fi
  kc apply -f "$here/manifests/kafka.yaml" -f "$here/manifests/postgres.yaml"
  kc -n kafka rollout status statefulset/kafka --timeout 5m
  kc -n postgres rollout status statefulset/postgres --timeout 5m
}

install_monitoring() {
  say "kube-prometheus-stack $KUBE_PROMETHEUS_STACK_VERSION, Loki $LOKI_VERSION, Alloy $ALLOY_VERSION"
  kc apply -f "$here/manifests/namespaces.yaml"
  if ! kc -n monitoring get secret grafana-admin >/dev/null 2>&1; then
    random_secret | kc -n monitoring create secret generic grafana-admin \
      --from-literal=admin-user=admin --from-file=admin-password=/dev/stdin >/dev/null
  fi
  hm upgrade --install loki loki --repo "$GRAFANA_REPO" --version "$LOKI_VERSION" \
    --namespace monitoring -f "$here/values/loki.yaml" --wait --timeout 10m
  hm upgrade --install alloy alloy --repo "$GRAFANA_REPO" --version "$ALLOY_VERSION" \
    --namespace monitoring -f "$here/values/alloy.yaml" --wait --timeout 10m
  hm upgrade --install kube-prometheus-stack kube-prometheus-stack --repo "$PROMETHEUS_REPO" \
    --version "$KUBE_PROMETHEUS_STACK_VERSION" --namespace monitoring \
    -f "$here/values/kube-prometheus-stack.yaml" \
    --set "grafana.ingress.hosts[0]=$GRAFANA_HOST" --wait --timeout 15m
}

# A tag that changes whenever the code does (commit plus uncommitted changes), so a re-run after an
# edit rolls the pods and a re-run without one changes nothing.
image_tag() {
  local digest
  digest="$(cd "$root" && {
    git rev-parse HEAD
    git diff HEAD -- pom.xml modules webui
    git ls-files --others --exclude-standard -- modules webui | LC_ALL=C sort | while IFS= read -r file; do
      printf '%s\n' "$file"; cat "$file"
    done
  } | git hash-object --stdin)"
  printf 'dev-%s' "${digest:0:12}"
}

build_images() {
  local tag="$1" service tar
  say "images todo-chatbot/<service>:$tag"
  make -C "$root" images TAG="$tag"
  for service in "${SERVICES[@]}"; do
    tar="$root/target/images/$service.tar"
    [ -f "$tar" ] || die "make images did not write $tar"
    minikube -p "$PROFILE" image load "$tar"
  done
}

random_secret() { head -c 48 /dev/urandom | base64 | tr -d '\n'; }

# Created only when absent: a re-run keeps the sessions (JWT) and the data (database) it had.
# Values go through stdin, never through argv (visible in ps) or the terminal.
create_app_secrets() {
  say "Secrets in $NAMESPACE (created when missing, never printed)"
  kc apply -f "$here/manifests/namespaces.yaml"
  if ! kc -n "$NAMESPACE" get secret "$JWT_SECRET_NAME" >/dev/null 2>&1; then
    random_secret | kc -n "$NAMESPACE" create secret generic "$JWT_SECRET_NAME" --from-file="$JWT_SECRET_KEY=/dev/stdin" >/dev/null
  fi
  local token_secret
  for token_secret in "${DAPR_TOKEN_SECRETS[@]}"; do
    if ! kc -n "$NAMESPACE" get secret "$token_secret" >/dev/null 2>&1; then
      random_secret | kc -n "$NAMESPACE" create secret generic "$token_secret" --from-file=token=/dev/stdin >/dev/null
    fi
  done
  if ! kc -n "$NAMESPACE" get secret "$DATABASE_SECRET_NAME" >/dev/null 2>&1; then
    local password
    password="$(kc -n postgres get secret postgres-credentials -o jsonpath='{.data.password}' | base64 -d)"
    # base64 output may hold / and +, which a URL's userinfo must percent-encode
    password="${password//\//%2F}"
    password="${password//+/%2B}"
    password="${password//=/%3D}"
    printf 'postgresql://todo:%s@postgres.postgres.svc.cluster.local:5432/todo' "$password" \
      | kc -n "$NAMESPACE" create secret generic "$DATABASE_SECRET_NAME" --from-file="$DATABASE_SECRET_KEY=/dev/stdin" >/dev/null
  fi
  if [ -n "${OPENAI_API_KEY:-}" ]; then
    printf '%s' "$OPENAI_API_KEY" | kc -n "$NAMESPACE" create secret generic "$OPENAI_SECRET_NAME" \
      --from-file="$OPENAI_SECRET_KEY=/dev/stdin" --dry-run=client -o yaml | kc apply -f - >/dev/null
  fi
}

install_chart() {
  local tag="$1" deployment
  say "charts/todo-chatbot ($RELEASE in $NAMESPACE)"
  hm upgrade --install "$RELEASE" "$root/charts/todo-chatbot" --namespace "$NAMESPACE" \
    -f "$root/charts/todo-chatbot/values-minikube.yaml" \
    --set imageRegistry=todo-chatbot --set-string imageTag="$tag" --set monitoring.enabled=true \
    --wait --timeout 10m
  for deployment in $(kc -n "$NAMESPACE" get deployments -l "app.kubernetes.io/instance=$RELEASE" -o name); do
    kc -n "$NAMESPACE" rollout status "$deployment" --timeout 5m
  done
}

print_urls() {
  local ip
  ip="$(minikube -p "$PROFILE" ip)"
  cat <<EOF

todo-chatbot is running on minikube profile $PROFILE.
  App:      http://$APP_HOST/
  Grafana:  http://$GRAFANA_HOST/   (user admin; password:
            kubectl --context $PROFILE -n monitoring get secret grafana-admin -o jsonpath='{.data.admin-password}' | base64 -d)
Both names must resolve to the ingress: add this line to /etc/hosts once
  $ip $APP_HOST $GRAFANA_HOST
(with the docker driver on macOS or Windows, run \`minikube -p $PROFILE tunnel\` and use 127.0.0.1 instead).
Remove everything with: make minikube-down
EOF
}

main() {
  check_prerequisites
  local tag
  tag="$(image_tag)"
  start_minikube
  install_dapr
  install_data
  install_monitoring
  build_images "$tag"
  create_app_secrets
  install_chart "$tag"
  print_urls
}

main "$@"

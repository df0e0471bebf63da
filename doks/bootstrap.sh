#!/usr/bin/env bash
# Once per new cluster, after `terraform apply` in doks/: everything the chart needs inside DOKS,
# then the first release. Later releases are CI's (.github/workflows/deploy.yml). Safe to re-run:
# every step is a helm upgrade --install or a kubectl apply, and Secrets are created only if absent.
#
#   cd doks && terraform apply
#   ACME_EMAIL=ops@example.com APP_HOST=todo.example.com GRAFANA_HOST=grafana.example.com \
#     OPENAI_API_KEY=... TAG=v1.2.3 IMAGE_REGISTRY=ghcr.io/<owner>/<repo> ./bootstrap.sh
#
# Needs doctl (authenticated: doctl auth init), terraform (this directory's state), kubectl, helm.
# Secret values travel from terraform's state or the environment into Kubernetes Secrets through
# stdin; none is printed, written to disk or put on a command line (the brokers' CA certificate,
# which is public, is).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

# the same pinned versions as minikube/up.sh, plus what only production needs
readonly DAPR_VERSION=1.16.9
readonly KUBE_PROMETHEUS_STACK_VERSION=79.1.1
readonly LOKI_VERSION=6.33.0
readonly ALLOY_VERSION=1.1.2
readonly CERT_MANAGER_VERSION=v1.18.2
readonly INGRESS_NGINX_VERSION=4.13.3

readonly RELEASE=todo-chatbot NAMESPACE=todo-chatbot
# the Secrets of charts/todo-chatbot/values-production.yaml
readonly JWT_SECRET_NAME=todo-chatbot-prod-jwt JWT_SECRET_KEY=jwt-secret
readonly DATABASE_SECRET_NAME=todo-chatbot-prod-database DATABASE_SECRET_KEY=database-url
readonly OPENAI_SECRET_NAME=todo-chatbot-prod-openai OPENAI_SECRET_KEY=openai-api-key
readonly KAFKA_SECRET_NAME=todo-chatbot-prod-kafka KAFKA_USER=todo-chatbot
# Dapr's API token and app token (secrets.daprApiToken / appApiToken), each under Dapr's fixed key `token`
readonly DAPR_TOKEN_SECRETS=(todo-chatbot-prod-dapr-api-token todo-chatbot-prod-app-api-token)

die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }
say() { printf '==> %s\n' "$*"; }

missing=0
for tool in doctl terraform kubectl helm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing: $tool is not on PATH" >&2; missing=$((missing + 1)); }
done
for variable in ACME_EMAIL APP_HOST GRAFANA_HOST OPENAI_API_KEY TAG IMAGE_REGISTRY; do
  [ -n "${!variable:-}" ] || { echo "missing: environment variable $variable is not set" >&2; missing=$((missing + 1)); }
done
[ "$missing" -eq 0 ] || die "$missing prerequisite(s) missing (see the header of doks/bootstrap.sh)"
# where release.yml pushed the images (ghcr.io/<owner>/<repo>, lower case), as deploy.yml installs them
[ "$IMAGE_REGISTRY" = "${IMAGE_REGISTRY,,}" ] \
  || die "IMAGE_REGISTRY must be lower case, as registries require: ${IMAGE_REGISTRY,,}"

# deploy.yml installs values-production.yaml as committed, so the host must be there, not in a --set
# that the next deploy would drop
production_values="$root/charts/todo-chatbot/values-production.yaml"
committed_host="$(awk '/^ingress:/ {inside = 1; next} inside && /^[^ #]/ {inside = 0} inside && $1 == "host:" {print $2; exit}' "$production_values")"
[ "$committed_host" = "$APP_HOST" ] \
  || die "ingress.host in $production_values is '$committed_host', not APP_HOST=$APP_HOST: set it there and commit it"

cluster="$(terraform -chdir="$here" output -raw cluster_name)"
say "kubeconfig for $cluster"
doctl kubernetes cluster kubeconfig save "$cluster"
context="$(kubectl config current-context)"
kc() { kubectl --context "$context" "$@"; }
hm() { helm --kube-context "$context" "$@"; }

# one replica of each control-plane service at 1,000 users: running sidecars keep working while one
# restarts. DAPR_HA=true (three of each, ~1 GiB more) is the 10,000-user setting (README.md).
say "Dapr $DAPR_VERSION (ha: ${DAPR_HA:-false})"
hm upgrade --install dapr dapr --repo https://dapr.github.io/helm-charts/ --version "$DAPR_VERSION" \
  --namespace dapr-system --create-namespace --set global.ha.enabled="${DAPR_HA:-false}" --wait --timeout 10m

say "ingress-nginx $INGRESS_NGINX_VERSION behind one DigitalOcean load balancer"
hm upgrade --install ingress-nginx ingress-nginx --repo https://kubernetes.github.io/ingress-nginx \
  --version "$INGRESS_NGINX_VERSION" --namespace ingress-nginx --create-namespace \
  --set controller.replicaCount=2 \
  --set-string "controller.service.annotations.service\.beta\.kubernetes\.io/do-loadbalancer-name=$cluster" \
  --wait --timeout 10m

say "cert-manager $CERT_MANAGER_VERSION and the letsencrypt-production ClusterIssuer"
hm upgrade --install cert-manager cert-manager --repo https://charts.jetstack.io \
  --version "$CERT_MANAGER_VERSION" --namespace cert-manager --create-namespace \
  --set crds.enabled=true --wait --timeout 10m
issuer="$(<"$here/manifests/cluster-issuer.yaml")"
printf '%s\n' "${issuer//ACME_EMAIL/"$ACME_EMAIL"}" | kc apply -f -

say "Kafka (one Redpanda broker, TLS and SASL/SCRAM-SHA-512)"
kc create namespace kafka --dry-run=client -o yaml | kc apply -f -
# the broker's one user, made on its first start from this Secret; the password is made once here
# and kept (hex: no ':' to break user:password:mechanism)
if ! kc -n kafka get secret redpanda-bootstrap-user >/dev/null 2>&1; then
  { printf '%s:' "$KAFKA_USER"; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; printf ':SCRAM-SHA-512'; } \
    | kc -n kafka create secret generic redpanda-bootstrap-user --from-file=user=/dev/stdin >/dev/null
fi
kc apply -f "$here/manifests/kafka.yaml"
kc -n kafka wait certificate/kafka-tls --for=condition=Ready --timeout 5m
kc -n kafka rollout status statefulset/kafka --timeout 10m

say "monitoring: kube-prometheus-stack $KUBE_PROMETHEUS_STACK_VERSION, Loki $LOKI_VERSION, Alloy $ALLOY_VERSION"
kc create namespace monitoring --dry-run=client -o yaml | kc apply -f -
if ! kc -n monitoring get secret grafana-admin >/dev/null 2>&1; then
  head -c 48 /dev/urandom | base64 | tr -d '\n' | kc -n monitoring create secret generic grafana-admin \
    --from-literal=admin-user=admin --from-file=admin-password=/dev/stdin >/dev/null
fi
hm upgrade --install loki loki --repo https://grafana.github.io/helm-charts --version "$LOKI_VERSION" \
  --namespace monitoring -f "$root/minikube/values/loki.yaml" -f "$here/values/loki.yaml" --wait --timeout 10m
hm upgrade --install alloy alloy --repo https://grafana.github.io/helm-charts --version "$ALLOY_VERSION" \
  --namespace monitoring -f "$root/minikube/values/alloy.yaml" --wait --timeout 10m
hm upgrade --install kube-prometheus-stack kube-prometheus-stack \
  --repo https://prometheus-community.github.io/helm-charts --version "$KUBE_PROMETHEUS_STACK_VERSION" \
  --namespace monitoring -f "$root/minikube/values/kube-prometheus-stack.yaml" \
  -f "$here/values/kube-prometheus-stack.yaml" \
  --set "grafana.ingress.hosts[0]=$GRAFANA_HOST" \
  --set "grafana.ingress.tls[0].secretName=grafana-tls" --set "grafana.ingress.tls[0].hosts[0]=$GRAFANA_HOST" \
  --wait --timeout 15m

say "Secrets in $NAMESPACE (created when missing, never printed)"
kc create namespace "$NAMESPACE" --dry-run=client -o yaml | kc apply -f -
if ! kc -n "$NAMESPACE" get secret "$JWT_SECRET_NAME" >/dev/null 2>&1; then
  head -c 48 /dev/urandom | base64 | tr -d '\n' \
    | kc -n "$NAMESPACE" create secret generic "$JWT_SECRET_NAME" --from-file="$JWT_SECRET_KEY=/dev/stdin" >/dev/null
fi
for token_secret in "${DAPR_TOKEN_SECRETS[@]}"; do
  if ! kc -n "$NAMESPACE" get secret "$token_secret" >/dev/null 2>&1; then
    head -c 48 /dev/urandom | base64 | tr -d '\n' \
      | kc -n "$NAMESPACE" create secret generic "$token_secret" --from-file=token=/dev/stdin >/dev/null
  fi
done
# the database URL is always the one terraform holds now (a rotated password reaches the pods on
# their next restart). Each value is read before anything is written, so a failed read stops here
# instead of replacing a good Secret with an empty one.
database_url="$(terraform -chdir="$here" output -raw database_url)"
[ -n "$database_url" ] || die "terraform output database_url is empty"
printf '%s' "$database_url" \
  | kc -n "$NAMESPACE" create secret generic "$DATABASE_SECRET_NAME" --from-file="$DATABASE_SECRET_KEY=/dev/stdin" \
      --dry-run=client -o yaml | kc apply -f - >/dev/null
unset database_url
# the chart's kafka Secret: the SASL password of the broker's user and the private CA's certificate
bootstrap_user="$(kc -n kafka get secret redpanda-bootstrap-user -o jsonpath='{.data.user}' | base64 -d)"
sasl_password="${bootstrap_user#"$KAFKA_USER":}"
sasl_password="${sasl_password%:SCRAM-SHA-512}"
kafka_ca="$(kc -n kafka get secret kafka-tls -o jsonpath='{.data.ca\.crt}' | base64 -d)"
if [ -z "$sasl_password" ] || [ -z "$kafka_ca" ]; then
  die "the broker's user or CA certificate could not be read"
fi
printf '%s' "$sasl_password" \
  | kc -n "$NAMESPACE" create secret generic "$KAFKA_SECRET_NAME" --from-file=sasl-password=/dev/stdin \
      --from-literal=ca-cert="$kafka_ca" --dry-run=client -o yaml | kc apply -f - >/dev/null
unset bootstrap_user sasl_password kafka_ca
printf '%s' "$OPENAI_API_KEY" \
  | kc -n "$NAMESPACE" create secret generic "$OPENAI_SECRET_NAME" --from-file="$OPENAI_SECRET_KEY=/dev/stdin" \
      --dry-run=client -o yaml | kc apply -f - >/dev/null

say "first release of $RELEASE ($TAG); deploy.yml rolls out the next ones"
hm upgrade --install "$RELEASE" "$root/charts/todo-chatbot" --namespace "$NAMESPACE" \
  -f "$production_values" --set imageRegistry="$IMAGE_REGISTRY" --set-string imageTag="$TAG" \
  --atomic --wait --timeout 10m

address="$(kc -n ingress-nginx get service ingress-nginx-controller -o jsonpath='{.status.loadBalancer.ingress[0].ip}')"
cat <<EOF

Done. Point DNS at the load balancer, then cert-manager issues the certificates:
  $APP_HOST      A  $address
  $GRAFANA_HOST  A  $address
For CI (deploy.yml): variable DOKS_CLUSTER=$cluster, variable PUBLIC_URL=https://$APP_HOST,
secret DIGITALOCEAN_ACCESS_TOKEN (a token scoped to this cluster).
EOF

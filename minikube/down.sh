#!/usr/bin/env bash
# make minikube-down: deletes the minikube profile made by make minikube-up, with everything in it
# (the cluster, its volumes, the images loaded into it). Other profiles and clusters are untouched.
set -euo pipefail

readonly PROFILE="${MINIKUBE_PROFILE:-todo-chatbot}"

if ! command -v minikube >/dev/null 2>&1; then
  echo "minikube-down: minikube is not on PATH, so there is no profile $PROFILE to delete" >&2
  exit 1
fi
if minikube profile list -o json 2>/dev/null | grep -q "\"Name\":\"$PROFILE\""; then
  minikube delete -p "$PROFILE"
else
  echo "minikube profile $PROFILE does not exist: nothing to delete"
fi

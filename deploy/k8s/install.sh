#!/usr/bin/env bash
# Installs the 3-node cluster into the current kubectl context (NAMESPACE to choose another namespace) and waits
# until every pod is ready.
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
NS_ARGS=()
if [[ -n "${NAMESPACE:-}" ]]; then
  kubectl get namespace "$NAMESPACE" >/dev/null 2>&1 || kubectl create namespace "$NAMESPACE"
  NS_ARGS=(--namespace "$NAMESPACE")
fi
kubectl apply "${NS_ARGS[@]}" -k "$DIR"
kubectl rollout status "${NS_ARGS[@]}" statefulset/raft-kv --timeout=300s
kubectl get pods "${NS_ARGS[@]}" -l app.kubernetes.io/name=raft-kv -o wide
cat <<HELP

Try it:
  kubectl ${NS_ARGS[*]} port-forward service/raft-kv 11000:11000 &
  curl -XPOST localhost:11000/key -H 'Content-Type: application/json' -d '{"hello":"kubernetes"}'
  curl localhost:11000/key/hello
  curl localhost:11000/status
HELP

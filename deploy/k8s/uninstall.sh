#!/usr/bin/env bash
# Removes the cluster. The volumes (and so the data) stay unless --delete-data is given.
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
NS_ARGS=()
if [[ -n "${NAMESPACE:-}" ]]; then
  NS_ARGS=(--namespace "$NAMESPACE")
fi
kubectl delete "${NS_ARGS[@]}" --ignore-not-found -k "$DIR"
if [[ "${1:-}" == "--delete-data" ]]; then
  kubectl delete "${NS_ARGS[@]}" pvc -l app.kubernetes.io/name=raft-kv --ignore-not-found
  echo "Deleted the cluster and its data"
else
  echo "Deleted the cluster; its volumes (data-raft-kv-N) remain. Run with --delete-data to delete them too."
fi

#!/usr/bin/env bash
# Builds the sample app's container image.
#   IMAGE         image name (default raft-spring-boot/sample-kv-app:0.1.0-SNAPSHOT, as in statefulset.yaml)
#   BUILDER       docker (default: the Dockerfile next to this script) or buildpacks (mvn spring-boot:build-image)
#   KIND_CLUSTER  if set, loads the image into that kind cluster
#   MINIKUBE=1    if set, builds into minikube's Docker daemon
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
IMAGE="${IMAGE:-raft-spring-boot/sample-kv-app:0.1.0-SNAPSHOT}"
cd "$ROOT"
if [[ -n "${MINIKUBE:-}" ]]; then
  eval "$(minikube docker-env)"
fi
if [[ -x ./mvnw ]]; then MVN=./mvnw; else MVN=mvn; fi
case "${BUILDER:-docker}" in
  docker)
    "$MVN" -q -DskipTests -pl sample-kv-app -am package
    docker build -f deploy/k8s/Dockerfile -t "$IMAGE" .
    ;;
  buildpacks)
    "$MVN" -q -DskipTests -pl sample-kv-app -am package
    "$MVN" -q -DskipTests -pl sample-kv-app spring-boot:build-image -Dspring-boot.build-image.imageName="$IMAGE"
    ;;
  *)
    echo "BUILDER must be docker or buildpacks" >&2
    exit 2
    ;;
esac
if [[ -n "${KIND_CLUSTER:-}" ]]; then
  kind load docker-image "$IMAGE" --name "$KIND_CLUSTER"
fi
echo "Built $IMAGE"

#!/usr/bin/env bash
# The training run of a class data sharing archive or an AOT cache for the sample app: starts the app with the java
# command line given, as one node with its state in a temporary directory, waits for its first acknowledged write,
# reads it back, asks for the status, health and metrics, then stops the app with SIGTERM. The JVM writes the archive
# as it exits, so the archive holds what a real start and the first requests load (the engine, gRPC, Tomcat's request
# path), not only the Spring context's refresh.
#
#   scripts/training-run.sh java -XX:ArchiveClassesAtExit=app.jsa -jar app.jar
#   scripts/training-run.sh java -XX:AOTCacheOutput=app.aot -jar app.jar
#
# Used by scripts/cds-train.sh and the container image (deploy/k8s/Dockerfile). Needs curl. Ports are picked at random
# in 20000-32000 on 127.0.0.1; TRAINING_TIMEOUT (seconds, default 600) bounds the wait for the first write.
set -euo pipefail

[[ $# -gt 0 ]] || { echo "Usage: $0 <java command line of the app, with the archive option>" >&2; exit 2; }
command -v curl >/dev/null || { echo "The training run needs curl" >&2; exit 1; }

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

WORK="$(mktemp -d "${TMPDIR:-/tmp}/training-run.XXXXXX")"
HTTP="$(free_port)"
BASE="http://127.0.0.1:$HTTP"
APP=""
finish() {
  [[ -n "$APP" ]] && kill -KILL "$APP" 2>/dev/null || true
  rm -rf "$WORK"
}
trap finish EXIT

env NODE_ID=training STATE_DIR="$WORK/state" HTTP_ADDR=127.0.0.1 HTTP_PORT="$HTTP" RAFT_ADDR=127.0.0.1 \
  RAFT_PORT="$(free_port)" RAFT_ADVERTISE_ADDR=127.0.0.1 SPRING_GRPC_SERVER_ADDRESS=127.0.0.1 \
  SPRING_GRPC_SERVER_PORT="$(free_port)" "$@" &
APP=$!

deadline=$((SECONDS + ${TRAINING_TIMEOUT:-600}))
until curl -sf -o /dev/null --max-time 5 -XPOST "$BASE/key" -H 'Content-Type: application/json' \
    -d '{"training":{"run":1,"values":["a","b"]}}'; do
  kill -0 "$APP" 2>/dev/null || { wait "$APP" || true; APP=""; echo "The app exited during the training run" >&2; exit 1; }
  ((SECONDS < deadline)) || { echo "No acknowledged write within ${TRAINING_TIMEOUT:-600}s" >&2; exit 1; }
  sleep 0.1
done
# The requests a node serves first, so that their classes (and, for an AOT cache, their profiles) are recorded too.
for round in 1 2 3; do
  curl -sf -o /dev/null -XPOST "$BASE/key" -H 'Content-Type: application/json' -d "{\"round\":$round}"
  curl -sf -o /dev/null "$BASE/key/training"
  curl -sf -o /dev/null "$BASE/key/training?consistency=local" || true
  curl -sf -o /dev/null "$BASE/status"
  curl -sf -o /dev/null "$BASE/actuator/health"
  curl -sf -o /dev/null "$BASE/actuator/prometheus" || true
  curl -sf -o /dev/null -XDELETE "$BASE/key/round" || true
done

kill -TERM "$APP"
status=0
wait "$APP" || status=$?
APP=""
# 143 is 128 + SIGTERM: a JVM that ran its shutdown hooks and exited on the signal.
if [[ "$status" != 0 && "$status" != 143 ]]; then
  echo "The app exited with status $status at the end of the training run" >&2
  exit 1
fi

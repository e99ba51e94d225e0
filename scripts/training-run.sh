#!/usr/bin/env bash
# The training run of a class data sharing archive or an AOT cache for the sample app: starts a 3-node cluster of the
# app on loopback, the first node with the java command line given (the one that records the archive), the other two
# with the same command line without its archive option; waits for a leader and for the first acknowledged write on
# the first node, reads it back, asks for the status, health and metrics, then stops the nodes with SIGTERM. The
# recording JVM writes the archive as it exits, so the archive holds what a real start and the first requests load:
# the engine, gRPC (server and peer channels), the election, replication, a write forwarded to the leader, Tomcat's
# request path; not only the Spring context's refresh.
#
#   scripts/training-run.sh java -XX:ArchiveClassesAtExit=app.jsa -jar app.jar
#   scripts/training-run.sh java -XX:AOTCacheOutput=app.aot -jar app.jar
#
# Used by scripts/cds-train.sh and the container image (deploy/k8s/Dockerfile). Needs curl. Ports are picked at random
# in 20000-32000 on 127.0.0.1; TRAINING_TIMEOUT (seconds, default 600) bounds the wait for the first write;
# TRAINING_NODES=1 trains with one node alone.
set -euo pipefail

[[ $# -gt 0 ]] || { echo "Usage: $0 <java command line of the app, with the archive option>" >&2; exit 2; }
command -v curl >/dev/null || { echo "The training run needs curl" >&2; exit 1; }
NODES="${TRAINING_NODES:-3}"

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

# The helpers' command line: the recorder's without the options that make an archive.
HELPER=()
for arg in "$@"; do
  [[ "$arg" =~ ^-XX:(ArchiveClassesAtExit|AOTCacheOutput|AOTConfiguration|AOTMode)= ]] || HELPER+=("$arg")
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/training-run.XXXXXX")"
PIDS=()
finish() {
  local pid
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap finish EXIT

HTTP=() RAFT=() PEERS=""
for i in $(seq 1 "$NODES"); do
  HTTP+=("$(free_port)")
  RAFT+=("$(free_port)")
  PEERS="${PEERS:+$PEERS,}training$i@127.0.0.1:${RAFT[$((i - 1))]}"
done
for i in $(seq 1 "$NODES"); do
  if ((i == 1)); then command=("$@"); else command=("${HELPER[@]}"); fi
  env NODE_ID="training$i" STATE_DIR="$WORK/state$i" HTTP_ADDR=127.0.0.1 HTTP_PORT="${HTTP[$((i - 1))]}" \
    RAFT_ADDR=127.0.0.1 RAFT_PORT="${RAFT[$((i - 1))]}" RAFT_ADVERTISE_ADDR=127.0.0.1 PEERS="$PEERS" \
    SPRING_GRPC_SERVER_ADDRESS=127.0.0.1 SPRING_GRPC_SERVER_PORT="$(free_port)" "${command[@]}" \
    > >(sed -u "s/^/[training$i] /") 2>&1 &
  PIDS+=("$!")
done
BASE="http://127.0.0.1:${HTTP[0]}"

deadline=$((SECONDS + ${TRAINING_TIMEOUT:-600}))
until curl -sf -o /dev/null --max-time 5 -XPOST "$BASE/key" -H 'Content-Type: application/json' \
    -d '{"training":{"run":1,"values":["a","b"]}}'; do
  for pid in "${PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A node exited during the training run" >&2; exit 1; }
  done
  ((SECONDS < deadline)) || { echo "No acknowledged write within ${TRAINING_TIMEOUT:-600}s" >&2; exit 1; }
  sleep 0.1
done
# The requests a node serves first, so that their classes (and, for an AOT cache, their profiles) are recorded too.
# A request may fail on a loaded machine (a leader change under way): the run goes on, as what was served is recorded.
for round in 1 2 3; do
  curl -sf -o /dev/null -XPOST "$BASE/key" -H 'Content-Type: application/json' -d "{\"round\":$round}" || true
  curl -sf -o /dev/null "$BASE/key/training" || true
  curl -sf -o /dev/null "$BASE/key/training?consistency=local" || true
  curl -sf -o /dev/null "$BASE/status" || true
  curl -sf -o /dev/null "$BASE/actuator/health" || true
  curl -sf -o /dev/null "$BASE/actuator/prometheus" || true
  curl -sf -o /dev/null -XDELETE "$BASE/key/round" || true
done

# The recording node first (a leader hands its leadership over), then the others.
status=0
kill -TERM "${PIDS[0]}"
wait "${PIDS[0]}" || status=$?
for pid in "${PIDS[@]:1}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${PIDS[@]:1}"; do wait "$pid" 2>/dev/null || true; done
PIDS=()
# 143 is 128 + SIGTERM: a JVM that ran its shutdown hooks and exited on the signal.
if [[ "$status" != 0 && "$status" != 143 ]]; then
  echo "The recording node exited with status $status at the end of the training run" >&2
  exit 1
fi

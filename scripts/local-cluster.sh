#!/usr/bin/env bash
# A 3-node cluster of the sample app on this machine, in the background.
#
#   scripts/local-cluster.sh start [nodeN]   build the jar if needed, start the nodes, wait for a leader
#   scripts/local-cluster.sh stop [nodeN]    stop the nodes (SIGTERM: a clean stop, data kept)
#   scripts/local-cluster.sh status          each node's process, role and leader
#   scripts/local-cluster.sh clean           stop, then delete the state directories and logs
#
# Needs a JDK 17+ (and Maven, or the Maven wrapper, to build the jar the first time). Settings, all optional:
#   LOCAL_CLUSTER_DIR  state directories, logs and pid files   (default: <repo>/tmp/local-cluster)
#   HTTP_BASE_PORT     node N serves HTTP on HTTP_BASE_PORT+N  (default 11000: 11001, 11002, 11003)
#   RAFT_BASE_PORT     node N speaks Raft on RAFT_BASE_PORT+N  (default 12000: 12001, 12002, 12003)
#   KV_STORE           boltdb (default, on disk) or memory
#   JAVA_OPTS          extra JVM options for every node       (default: -Xmx256m)
#   CDS                1 (default): start from the extracted jar in Spring AOT mode (-Dspring.aot.enabled=true) with
#                      an archive made by a training run the first time after each build (scripts/cds-train.sh):
#                      JDK 25's AOT cache when `java` is 25 or later, else a class data sharing archive; 0: plain
#                      java -jar
#   JAVA               the java to run (default: java on the PATH)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${LOCAL_CLUSTER_DIR:-$ROOT/tmp/local-cluster}"
HTTP_BASE_PORT="${HTTP_BASE_PORT:-11000}"
RAFT_BASE_PORT="${RAFT_BASE_PORT:-12000}"
GRPC_BASE_PORT="${GRPC_BASE_PORT:-13000}"
JAVA_OPTS="${JAVA_OPTS:--Xmx256m}"
NODES=(node1 node2 node3)
LEADER_TIMEOUT_SECONDS="${LEADER_TIMEOUT_SECONDS:-120}"

http_port() { echo $((HTTP_BASE_PORT + ${1#node})); }
raft_port() { echo $((RAFT_BASE_PORT + ${1#node})); }
grpc_port() { echo $((GRPC_BASE_PORT + ${1#node})); }

peers() {
  local list="" node
  for node in "${NODES[@]}"; do
    list="${list:+$list,}$node@127.0.0.1:$(raft_port "$node")"
  done
  echo "$list"
}

pid_of() {
  local file="$DIR/$1.pid"
  if [[ -f "$file" ]] && kill -0 "$(cat "$file")" 2>/dev/null; then
    cat "$file"
  fi
}

jar() {
  ls "$ROOT"/sample-kv-app/target/sample-kv-app-*.jar 2>/dev/null | grep -v -- '-plain.jar$' | head -n 1 || true
}

build() {
  echo "Building the sample app (once)..."
  if [[ -x "$ROOT/mvnw" ]]; then
    (cd "$ROOT" && ./mvnw -q -DskipTests -pl sample-kv-app -am package)
  elif command -v mvn >/dev/null; then
    (cd "$ROOT" && mvn -q -DskipTests -pl sample-kv-app -am package)
  else
    echo "No jar in sample-kv-app/target and neither ./mvnw nor mvn to build it." >&2
    exit 1
  fi
}

# Prints the value of a top-level string field of a JSON document, e.g. "role".
json_field() {
  sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n 1
}

status_of() {
  curl -s --max-time 2 "http://127.0.0.1:$(http_port "$1")/status" 2>/dev/null || true
}

start_node() {
  local node="$1"
  if [[ -n "$(pid_of "$node")" ]]; then
    echo "$node is already running (pid $(pid_of "$node"))"
    return
  fi
  mkdir -p "$DIR"
  # The seed's environment variables: see docs/http-api.md.
  env NODE_ID="$node" \
    STATE_DIR="$DIR/$node" \
    HTTP_ADDR=127.0.0.1 HTTP_PORT="$(http_port "$node")" \
    RAFT_ADDR=127.0.0.1 RAFT_PORT="$(raft_port "$node")" \
    RAFT_ADVERTISE_ADDR=127.0.0.1 \
    SPRING_GRPC_SERVER_ADDRESS=127.0.0.1 SPRING_GRPC_SERVER_PORT="$(grpc_port "$node")" \
    PEERS="$(peers)" \
    nohup $LAUNCH_JAVA $JAVA_OPTS $LAUNCH_ARGS >>"$DIR/$node.log" 2>&1 &
  echo $! >"$DIR/$node.pid"
  echo "Started $node (pid $!): HTTP 127.0.0.1:$(http_port "$node"), Raft 127.0.0.1:$(raft_port "$node"), gRPC admin 127.0.0.1:$(grpc_port "$node"), log $DIR/$node.log"
}

await_leader() {
  local deadline=$((SECONDS + LEADER_TIMEOUT_SECONDS)) node leader
  echo -n "Waiting for a leader"
  while ((SECONDS < deadline)); do
    for node in "${NODES[@]}"; do
      if [[ -n "$(pid_of "$node")" ]] && status_of "$node" | grep -q '"role":"LEADER"'; then
        echo
        echo "Leader: $node"
        return 0
      fi
    done
    for node in "${NODES[@]}"; do
      if [[ -f "$DIR/$node.pid" && -z "$(pid_of "$node")" ]]; then
        echo
        echo "$node exited; the end of its log:" >&2
        tail -n 30 "$DIR/$node.log" >&2
        return 1
      fi
    done
    echo -n "."
    sleep 1
  done
  echo
  echo "No leader after ${LEADER_TIMEOUT_SECONDS}s; see the logs in $DIR" >&2
  return 1
}

print_examples() {
  local a b
  a="http://127.0.0.1:$(http_port node1)"
  b="http://127.0.0.1:$(http_port node2)"
  cat <<EXAMPLES

Try it:
  curl -XPOST $a/key -H 'Content-Type: application/json' -d '{"user":"alice","visits":3}'
  curl $b/key/user
  curl '$b/key?prefix='
  curl $a/status
  curl -XDELETE $b/key/user

Stop one node and the other two keep serving:
  $0 stop node1
  curl -XPOST $b/key -H 'Content-Type: application/json' -d '{"still":"working"}'
  $0 start node1

Stop everything: $0 stop
EXAMPLES
}

stop_node() {
  local node="$1" pid
  pid="$(pid_of "$node")"
  if [[ -z "$pid" ]]; then
    rm -f "$DIR/$node.pid"
    return
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$node did not stop within 30s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$DIR/$node.pid"
  echo "Stopped $node"
}

selected() {
  if [[ $# -gt 0 ]]; then
    case " ${NODES[*]} " in
      *" $1 "*) echo "$1" ;;
      *) echo "Unknown node '$1': use one of ${NODES[*]}" >&2; exit 2 ;;
    esac
  else
    echo "${NODES[@]}"
  fi
}

command="${1:-}"
shift || true
case "$command" in
  start)
    JAR="$(jar)"
    if [[ -z "$JAR" ]]; then
      build
      JAR="$(jar)"
    fi
    LAUNCH_JAVA="${JAVA:-java}"
    LAUNCH_ARGS="-jar $JAR"
    if [[ "${CDS:-1}" == 1 ]]; then
      # shellcheck source=scripts/cds-train.sh
      source "$ROOT/scripts/cds-train.sh"
      archive_mode="$(archive_mode_for "$LAUNCH_JAVA")-spring"
      if JAVA25="$LAUNCH_JAVA" launch_command "$archive_mode"; then
        LAUNCH_ARGS="${LAUNCH#* }"
      else
        echo "Starting without a start-up archive ($archive_mode)" >&2
      fi
    fi
    for node in $(selected "$@"); do
      start_node "$node"
    done
    await_leader
    print_examples
    ;;
  stop)
    for node in $(selected "$@"); do
      stop_node "$node"
    done
    ;;
  status)
    for node in "${NODES[@]}"; do
      pid="$(pid_of "$node")"
      if [[ -z "$pid" ]]; then
        echo "$node: stopped"
        continue
      fi
      body="$(status_of "$node")"
      role="$(json_field role <<<"$body")"
      leader="$(sed -n 's/.*"leader":{"id":"\([^"]*\)".*/\1/p' <<<"$body")"
      echo "$node: pid $pid, http 127.0.0.1:$(http_port "$node"), role ${role:-starting}, leader ${leader:-none}"
    done
    ;;
  clean)
    for node in "${NODES[@]}"; do
      stop_node "$node"
    done
    rm -rf "$DIR"
    echo "Deleted $DIR"
    ;;
  *)
    echo "Usage: $0 start [nodeN] | stop [nodeN] | status | clean" >&2
    exit 2
    ;;
esac

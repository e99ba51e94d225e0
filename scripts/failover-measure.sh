#!/usr/bin/env bash
# Measures fail-over as a client sees it: 3 nodes of the sample app, one client writing through a follower in a
# closed loop (one write at a time, curl), the leader killed with SIGKILL, then restarted; repeated KILLS times.
# With FAULT=pause the leader is frozen with SIGSTOP instead (a long GC pause, a stalled VM) for PAUSE_SECONDS,
# then resumed with SIGCONT: the cluster must serve without it, so recovery_ms stays well under the pause.
#
#   scripts/failover-measure.sh [KILLS]        (default 5)
#   FAULT=pause scripts/failover-measure.sh 3
#
# Per kill (or pause) it prints:
#   recovery_ms  kill -> acknowledgement of the first write *sent after* the kill (what the issue's target is)
#   gap_ms       the longest time between two acknowledged writes in the round (the steady part included)
#   failed       writes answered with an error (e.g. 503 NO_LEADER) in between
#   terms        how many terms the election took (1 = one clean election)
# and, at the end, the spurious elections: terms that began while no node was down (0 is the goal).
#
# Settings (environment, all optional):
#   FAILOVER_DIR     state dirs and logs (default <repo>/tmp/failover-measure; deleted at start)
#   HTTP_BASE_PORT   node N serves HTTP on HTTP_BASE_PORT+N (default 21000), RAFT_BASE_PORT (22000),
#                    GRPC_BASE_PORT (23000)
#   NODE_ENV         extra environment for every node, e.g. "RAFT_ELECTION_TIMEOUT=1000ms RAFT_HEARTBEAT_INTERVAL=150ms"
#   BUSY             number of busy-loop processes to run beside the cluster to load the machine (default 0)
#   STEADY_SECONDS   writing time with every node up after each restart (default 5): spurious elections show here
#   FAULT            kill (default: SIGKILL, then a restart) or pause (SIGSTOP for PAUSE_SECONDS, then SIGCONT)
#   PAUSE_SECONDS    how long a paused leader stays frozen (default 5)
#   FAILOVER_JAR     the sample jar to run (default: the one in sample-kv-app/target)
#   JAVA_OPTS        JVM options of every node (default -Xmx256m -XX:+UseSerialGC)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
KILLS="${1:-5}"
DIR="${FAILOVER_DIR:-$ROOT/tmp/failover-measure}"
HTTP_BASE_PORT="${HTTP_BASE_PORT:-21000}"
RAFT_BASE_PORT="${RAFT_BASE_PORT:-22000}"
GRPC_BASE_PORT="${GRPC_BASE_PORT:-23000}"
JAVA_OPTS="${JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}"
BUSY="${BUSY:-0}"
FAULT="${FAULT:-kill}"
PAUSE_SECONDS="${PAUSE_SECONDS:-5}"
[[ "$FAULT" == kill || "$FAULT" == pause ]] || { echo "FAULT must be kill or pause, not '$FAULT'" >&2; exit 2; }
STEADY_SECONDS="${STEADY_SECONDS:-5}"
NODES=(1 2 3)
JAR="${FAILOVER_JAR:-$(ls "$ROOT"/sample-kv-app/target/sample-kv-app-*.jar 2>/dev/null | grep -v -- '-plain.jar$' | head -n 1 || true)}"
if [[ -z "$JAR" ]]; then
  echo "No sample jar: build it first with mvn -q -pl sample-kv-app -am package -DskipTests" >&2
  exit 1
fi

declare -A PIDS
BUSY_PIDS=()
WRITER_PID=""

now_ms() { local t="${EPOCHREALTIME/./}"; echo "${t:0:-3}"; }
url() { echo "http://127.0.0.1:$((HTTP_BASE_PORT + $1))"; }
status() { curl -s --max-time 1 "$(url "$1")/status" 2>/dev/null || true; }
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n 1; }

cleanup() {
  [[ -n "$WRITER_PID" ]] && kill "$WRITER_PID" 2>/dev/null || true
  for n in "${NODES[@]}"; do [[ -n "${PIDS[$n]:-}" ]] && kill -9 "${PIDS[$n]}" 2>/dev/null || true; done
  for p in "${BUSY_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

start_node() {
  local n="$1" peers="node1@127.0.0.1:$((RAFT_BASE_PORT + 1)),node2@127.0.0.1:$((RAFT_BASE_PORT + 2)),node3@127.0.0.1:$((RAFT_BASE_PORT + 3))"
  # shellcheck disable=SC2086
  env NODE_ID="node$n" STATE_DIR="$DIR/node$n" HTTP_ADDR=127.0.0.1 HTTP_PORT="$((HTTP_BASE_PORT + n))" \
    RAFT_ADDR=127.0.0.1 RAFT_PORT="$((RAFT_BASE_PORT + n))" RAFT_ADVERTISE_ADDR=127.0.0.1 \
    SPRING_GRPC_SERVER_ADDRESS=127.0.0.1 SPRING_GRPC_SERVER_PORT="$((GRPC_BASE_PORT + n))" PEERS="$peers" \
    ${NODE_ENV:-} java $JAVA_OPTS -jar "$JAR" >>"$DIR/node$n.log" 2>&1 &
  PIDS[$n]=$!
}

leader() {
  local n
  for n in "${NODES[@]}"; do
    if status "$n" | grep -q '"role":"LEADER"'; then echo "$n"; return; fi
  done
}

max_term() {
  local n t max=0
  for n in "${NODES[@]}"; do
    t="$(status "$n" | field term)"
    [[ -n "$t" && "$t" -gt "$max" ]] && max="$t"
  done
  echo "$max"
}

await() { # await <seconds> <command...>
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || { echo "timed out waiting for: $*" >&2; exit 1; }
    sleep 0.2
  done
}

all_following() { # every node up and knows the same leader
  local n l
  l="$(leader)"; [[ -n "$l" ]] || return 1
  for n in "${NODES[@]}"; do status "$n" | grep -q "\"leader\":{\"id\":\"node$l\"" || return 1; done
}

acked_since() { # acked_since <ms> <log>: a write sent at or after <ms> was acknowledged
  awk -v t="$1" '$1 >= t && $3 ~ /^2/ {found=1} END {exit !found}' "$2" 2>/dev/null
}

# One write at a time through node $1 until $2 exists; one line per write: sent_ms acked_ms http_code.
writer() {
  local target; target="$(url "$1")/key"
  local i=0 sent code
  while [[ ! -f "$2" ]]; do
    sent="$(now_ms)"
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 15 -XPOST "$target" \
      -H 'Content-Type: application/json' -d "{\"failover-$i\":$i}" || true)"
    echo "$sent $(now_ms) $code"
    i=$((i + 1))
  done
}

rm -rf "$DIR" && mkdir -p "$DIR"
for ((b = 0; b < BUSY; b++)); do (while :; do :; done) & BUSY_PIDS+=($!); done
echo "Machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), busy loops $BUSY, node env: ${NODE_ENV:-<defaults>}"
for n in "${NODES[@]}"; do start_node "$n"; done
await 180 all_following

printf '%-5s %-7s %-7s %12s %8s %7s %6s\n' "$FAULT" leader writer recovery_ms gap_ms failed terms
spurious=0
worst=0
total=0
for ((k = 1; k <= KILLS; k++)); do
  old="$(leader)"
  w=$(( old % 3 + 1 ))
  stop="$DIR/stop-$k"; log="$DIR/writes-$k.txt"
  term_before="$(max_term)"
  writer "$w" "$stop" >"$log" & WRITER_PID=$!
  # Steady writing with every node up first: a term that starts now is a spurious election.
  sleep "$STEADY_SECONDS"
  steady_term="$(max_term)"
  spurious=$((spurious + steady_term - term_before))
  killed_at="$(now_ms)"
  if [[ "$FAULT" == pause ]]; then
    kill -STOP "${PIDS[$old]}"
    # Frozen until a write sent after the pause is acknowledged, or PAUSE_SECONDS have passed.
    until acked_since "$killed_at" "$log" || (( $(now_ms) - killed_at >= PAUSE_SECONDS * 1000 )); do sleep 0.1; done
    kill -CONT "${PIDS[$old]}"
  else
    kill -9 "${PIDS[$old]}"
    wait "${PIDS[$old]}" 2>/dev/null || true
    PIDS[$old]=""
  fi
  # Wait until a write sent after the kill is acknowledged.
  until acked_since "$killed_at" "$log"; do
    sleep 0.1
  done
  term_after="$(max_term)"
  touch "$stop"; wait "$WRITER_PID" || true; WRITER_PID=""
  read -r recovery gap failed < <(awk -v t="$killed_at" '
    $3 ~ /^2/ {if (prev && $2 - prev > gap) gap = $2 - prev; prev = $2}
    $1 >= t && $3 ~ /^2/ && !done {rec = $2 - t; done = 1}
    $2 >= t && $3 !~ /^2/ && !done {failed++}
    END {print rec, gap, failed + 0}' "$log")
  printf '%-5s %-7s %-7s %12s %8s %7s %6s\n' "$k" "node$old" "node$w" "$recovery" "$gap" "$failed" \
    "$((term_after - steady_term))"
  total=$((total + recovery)); ((recovery > worst)) && worst=$recovery
  [[ "$FAULT" == pause ]] || start_node "$old"
  await 180 all_following
done
echo "recovery over $KILLS ${FAULT}s: mean $((total / KILLS)) ms, max $worst ms; spurious elections: $spurious"
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Start-up time of the sample app, as a user sees it: from `java -jar` to the first acknowledged write (one node,
# zero configuration), and from launching a 3-node cluster to its first leader.
#
#   scripts/startup-time.sh [modes] [runs]      default: "plain cds" 3
#
# A mode written <dir>:<mode> is that mode of another checkout of the project in <dir> (its jar, its scripts), e.g. the
# build before a change: scripts/startup-time.sh "../before:cds cds".
#
# Several modes ("plain cds aot") run in turn, run after run, so that a busy machine slows them alike: compare the
# modes of one invocation, not figures from different times.
#
#   plain    java -jar sample-kv-app.jar (plain25: the same on JAVA25)
#   cds      the jar extracted (java -Djarmode=tools ... extract) and a class data sharing archive from a training run
#            that serves a first write (-XX:ArchiveClassesAtExit; scripts/training-run.sh): JDK 17+; made once per
#            build by scripts/cds-train.sh
#   aot      the same with JDK 25's AOT cache (-XX:AOTCacheOutput / -XX:AOTCache); JAVA25 names its java
#   cds-refresh, aot-refresh   the same, trained with Spring Boot's recipe (-Dspring.context.exit=onRefresh)
#   aot-spring, cds-spring     aot / cds in Spring AOT mode (-Dspring.aot.enabled=true: the bean definitions the jar's
#            build generated with process-aot), in the training run and every start; plain-spring: java -jar in
#            Spring AOT mode. aot-spring is what scripts/local-cluster.sh and the container image use on JDK 25.
#
# Prints one line per run (wall clock, and the CPU time the node used) and the medians. CLUSTER_RUNS=0 skips the
# 3-node runs; CLUSTER_MODES="..." runs them for some of the modes only. JAVA_OPTS adds JVM options to every start
# (e.g. -XX:StartFlightRecording...); KEEP_LOGS=<dir> keeps each node's log there. Needs the sample jar
# (mvn -pl sample-kv-app -am package -DskipTests), curl, and free ports (taken from 20000-32000). Everything runs on
# loopback, in a temporary directory.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODES="${1:-plain cds}"
RUNS="${2:-3}"
CLUSTER_RUNS="${CLUSTER_RUNS:-$RUNS}"   # 0: only the one-node runs
CLUSTER_MODES="${CLUSTER_MODES:-$MODES}"   # the modes of the 3-node runs (each must be one of MODES)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/startup-time.XXXXXX")"
PIDS=()
LOGS=()
DEADLINE_SECONDS="${DEADLINE_SECONDS:-300}"   # a run that takes longer fails
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=scripts/cds-train.sh
source "$ROOT/scripts/cds-train.sh"
declare -A LAUNCHES
for mode in $MODES; do
  if [[ "$mode" == *:* ]]; then
    # <root>:<mode>: a mode of another checkout (e.g. the build before a change), with that checkout's own scripts.
    LAUNCHES[$mode]="$(source "${mode%%:*}/scripts/cds-train.sh" && launch_command "${mode#*:}" && echo "$LAUNCH")"
  else
    launch_command "$mode"   # sets LAUNCH (the java command line up to and including the jar)
    LAUNCHES[$mode]="$LAUNCH"
  fi
done

# A port nothing listens on and that this script has not handed out yet (a node's ports are all chosen before the
# node binds them, so a port drawn twice would be free both times); called in a subshell, hence the file.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    if ! grep -qx "$port" "$WORK/ports" 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port" >>"$WORK/ports"
      echo "$port"
      return
    fi
  done
}

now_ms() { date +%s%3N; }

# CPU time (user + system) a process has used so far, in ms: on a busy machine this varies far less than the wall
# clock, which mostly measures the wait for a core.
cpu_ms() {
  awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"
}

start_node() { # id http raft grpc peers dir
  # shellcheck disable=SC2086 # LAUNCH and JAVA_OPTS are word lists
  env NODE_ID="$1" HTTP_ADDR=127.0.0.1 HTTP_PORT="$2" RAFT_ADDR=127.0.0.1 RAFT_PORT="$3" RAFT_ADVERTISE_ADDR=127.0.0.1 \
    SPRING_GRPC_SERVER_ADDRESS=127.0.0.1 SPRING_GRPC_SERVER_PORT="$4" ${5:+PEERS="$5"} STATE_DIR="$6" \
    ${LAUNCH%% *} ${JAVA_OPTS:-} ${LAUNCH#* } >"$6.log" 2>&1 &
  PIDS+=("$!")
  LOGS+=("$6.log")
}

stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n "${KEEP_LOGS:-}" ]]; then
    mkdir -p "$KEEP_LOGS"
    cp "${LOGS[@]}" "$KEEP_LOGS/"
  fi
  PIDS=()
  LOGS=()
}

# Milliseconds from the launch (ms since the epoch) to the first log line matching the pattern, or "-".
log_ms() { # log pattern launch-ms
  local stamp
  stamp=$(grep -m1 -E "$2" "$1" 2>/dev/null | grep -oE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z?' || true)
  if [[ -n "$stamp" ]]; then echo $(( $(date -d "$stamp" +%s%3N) - $3 )); else echo "-"; fi
}

# Fails the run if a node exited.
check_alive() {
  local i
  for i in "${!PIDS[@]}"; do
    if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
      echo "A node exited; the end of ${LOGS[$i]}:" >&2
      tail -20 "${LOGS[$i]}" >&2
      exit 1
    fi
  done
}

one_node() {
  local run="$1" http started
  http=$(free_port)
  started=$(now_ms)
  start_node "solo" "$http" "$(free_port)" "$(free_port)" "" "$WORK/solo-$run"
  until curl -sf -o /dev/null --max-time 2 -XPOST "http://127.0.0.1:$http/key" -H 'Content-Type: application/json' \
      -d '{"first":"write"}'; do
    check_alive
    (( $(now_ms) - started < DEADLINE_SECONDS * 1000 )) || { echo "No acknowledged write in ${DEADLINE_SECONDS}s" >&2; exit 1; }
    sleep 0.02
  done
  RESULT=$(( $(now_ms) - started ))
  CPU_MS=$(cpu_ms "${PIDS[0]}")
  # Where the time went, from the node's log: Spring Boot's start (its clock starts after the JVM's own start-up),
  # the Raft node's start, and its leadership.
  SPRING_SAYS=$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds (process running for [0-9.]*)' "$WORK/solo-$run.log" | head -1 || true)
  STEPS="spring starting at $(log_ms "$WORK/solo-$run.log" 'Starting (AOT-processed )?[A-Za-z]+ v' "$started") ms,"
  STEPS="$STEPS web server at $(log_ms "$WORK/solo-$run.log" 'Tomcat started on port' "$started") ms,"
  STEPS="$STEPS leader at $(log_ms "$WORK/solo-$run.log" 'Transitioning to LEADER' "$started") ms"
  stop_all
}

three_nodes() {
  local run="$1" started peers="" i http=() raft=() grpc=()
  for i in 1 2 3; do
    http+=("$(free_port)"); raft+=("$(free_port)"); grpc+=("$(free_port)")
    peers="${peers:+$peers,}node$i@127.0.0.1:${raft[$((i - 1))]}"
  done
  started=$(now_ms)
  for i in 1 2 3; do
    start_node "node$i" "${http[$((i - 1))]}" "${raft[$((i - 1))]}" "${grpc[$((i - 1))]}" "$peers" "$WORK/c$run-node$i"
  done
  # The leader is whichever node first says so on /status (a node answers once its web server is up; the others'
  # elections may already be over by then, so each node's log says when it took the lead, too).
  while :; do
    for i in 1 2 3; do
      if curl -s --max-time 1 "http://127.0.0.1:${http[$((i - 1))]}/status" 2>/dev/null | grep -q '"role":"LEADER"'; then
        RESULT=$(( $(now_ms) - started ))
        CPU_MS=$(( $(cpu_ms "${PIDS[0]}") + $(cpu_ms "${PIDS[1]}") + $(cpu_ms "${PIDS[2]}") ))
        STEPS="leader elected at $(log_ms "${LOGS[$((i - 1))]}" 'Transitioning to LEADER' "$started") ms (node$i's log);"
        STEPS="$STEPS web servers up at"
        for log in "${LOGS[@]}"; do STEPS="$STEPS $(log_ms "$log" 'Tomcat started on port' "$started")"; done
        STEPS="$STEPS ms"
        stop_all
        return
      fi
    done
    check_alive
    (( $(now_ms) - started < DEADLINE_SECONDS * 1000 )) || { echo "No leader in ${DEADLINE_SECONDS}s" >&2; exit 1; }
    sleep 0.02
  done
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

declare -A SOLO SOLO_CPU CLUSTER CLUSTER_CPU
for mode in $MODES; do echo "$mode: ${LAUNCHES[$mode]}"; done
for run in $(seq 1 "$RUNS"); do
  for mode in $MODES; do
    LAUNCH="${LAUNCHES[$mode]}"
    one_node "$run-${mode//[^A-Za-z0-9_-]/_}"
    echo "  $mode: one node, java -jar to first acknowledged write: $RESULT ms, CPU $CPU_MS ms ($SPRING_SAYS; $STEPS; load average $(cut -d' ' -f1 /proc/loadavg))"
    SOLO[$mode]="${SOLO[$mode]:-} $RESULT"
    SOLO_CPU[$mode]="${SOLO_CPU[$mode]:-} $CPU_MS"
  done
done
for run in $(seq 1 "$CLUSTER_RUNS"); do
  for mode in $CLUSTER_MODES; do
    LAUNCH="${LAUNCHES[$mode]}"
    three_nodes "$run-${mode//[^A-Za-z0-9_-]/_}"
    echo "  $mode: 3 nodes, launch to leader: $RESULT ms, CPU of the 3 nodes $CPU_MS ms ($STEPS; load average $(cut -d' ' -f1 /proc/loadavg))"
    CLUSTER[$mode]="${CLUSTER[$mode]:-} $RESULT"
    CLUSTER_CPU[$mode]="${CLUSTER_CPU[$mode]:-} $CPU_MS"
  done
done
for mode in $MODES; do
  echo "$mode: median one node to first write $(printf '%s\n' ${SOLO[$mode]} | median) ms" \
    "(CPU $(printf '%s\n' ${SOLO_CPU[$mode]} | median) ms);" \
    "3 nodes to leader $( [[ -n "${CLUSTER[$mode]:-}" ]] && echo "$(printf '%s\n' ${CLUSTER[$mode]} | median) ms (CPU $(printf '%s\n' ${CLUSTER_CPU[$mode]} | median) ms)" || echo "not run") ($RUNS runs)"
done

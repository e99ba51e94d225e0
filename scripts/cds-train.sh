#!/usr/bin/env bash
# Makes the sample app start faster with class data sharing: extracts the jar (CDS needs plain jars on the class
# path) and records the classes a start loads in an archive, in a training run (scripts/training-run.sh) that starts
# a 3-node cluster of the app, waits for a leader, a first acknowledged write and a few reads, and stops it with
# SIGTERM. TRAINING=refresh uses Spring Boot's shorter recipe instead, a run that stops once the Spring context is
# refreshed (-Dspring.context.exit=onRefresh): it misses what starts after the refresh (the web server, the Raft
# node, gRPC) and the first requests. Run it again after every build of the jar (launch_command does when the jar is
# newer than the archive).
#
#   scripts/cds-train.sh [cds|aot]
#
#   cds  JDK 17+: sample-kv-app/target/cds/{app.jar,lib/,app.jsa}; start with
#          java -XX:SharedArchiveFile=sample-kv-app/target/cds/app.jsa -jar sample-kv-app/target/cds/app.jar
#   aot  JDK 25+ (JAVA25=<path to its java>, default: java): sample-kv-app/target/aot/{app.jar,lib/,app.aot}; start with
#          java -XX:AOTCache=sample-kv-app/target/aot/app.aot -jar sample-kv-app/target/aot/app.jar
#   aot-spring, cds-spring  the same, with Spring AOT's generated bean definitions (the jar's process-aot output) on in
#          the training run and in every start: java -Dspring.aot.enabled=true -XX:AOTCache=... -jar ...
#
# Sourced by scripts/startup-time.sh and scripts/local-cluster.sh for launch_command.
set -euo pipefail

CDS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

cds_jar() {
  ls "$CDS_ROOT"/sample-kv-app/target/sample-kv-app-*.jar 2>/dev/null | grep -v -- '-plain.jar$' | head -n 1 || true
}

# Extracts the jar into target/<mode> unless it is up to date, then runs the training run if the archive is missing.
# A mode named <cds|aot>-refresh (cds-refresh, aot-refresh) is trained with TRAINING=refresh, in a directory of its own.
# JDK 25 options of the aot modes, in the training run and in every start (the AOT cache wants the same module
# options in both): Netty turns sun.misc.Unsafe off by default on Java 25 unless it is allowed, which made the peer
# and gRPC transport slower (docs/configuration.md, JVM flags); native access silences the serializer's warning.
JDK25_OPTIONS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"

cds_train() {
  local mode="$1" java="${2:-java}" jar dir archive training kind="${1%%-*}" how="${TRAINING:-write}" spring=()
  [[ "$mode" == *-refresh ]] && how=refresh
  [[ "$mode" == *-spring ]] && spring=(-Dspring.aot.enabled=true)
  jar="$(cds_jar)"
  [[ -n "$jar" ]] || { echo "No sample-kv-app jar: mvn -pl sample-kv-app -am package -DskipTests" >&2; return 1; }
  dir="$CDS_ROOT/sample-kv-app/target/$mode"
  if [[ "$kind" == cds ]]; then archive="$dir/app.jsa"; else archive="$dir/app.aot"; fi
  # shellcheck disable=SC2206 # JDK25_OPTIONS is a word list
  if [[ "$kind" == cds ]]; then training=(-XX:ArchiveClassesAtExit="$archive"); else training=($JDK25_OPTIONS -XX:AOTCacheOutput="$archive"); fi
  training+=("${spring[@]}")
  # Trained again when the jar is newer, or when the training's options changed (the starts use the same ones).
  if [[ -f "$archive" && "$archive" -nt "$jar" && "$(cat "$dir/training.options" 2>/dev/null)" == "${training[*]}" ]]; then
    return 0
  fi
  rm -rf "$dir"
  "$java" -Djarmode=tools -jar "$jar" extract --destination "$dir" >/dev/null
  mv "$dir/$(basename "$jar")" "$dir/app.jar"
  echo "Training run ($mode, $how) for $archive..." >&2
  if [[ "$how" == refresh ]]; then
    training_refresh "$dir" "$java" "${training[@]}" || { echo "The training run failed; see $dir/training.log" >&2; return 1; }
  else
    "$CDS_ROOT/scripts/training-run.sh" "$java" "${training[@]}" -jar "$dir/app.jar" >"$dir/training.log" 2>&1 \
      || { echo "The training run failed; see $dir/training.log" >&2; return 1; }
  fi
  [[ -f "$archive" ]] || { echo "The training run wrote no archive; see $dir/training.log" >&2; return 1; }
  echo "${training[*]}" >"$dir/training.options"
}

# Spring Boot's recipe: a run that exits once the context is refreshed, before the web server and the Raft node start.
training_refresh() {
  local dir="$1" java="$2" training_dir status=0
  shift 2
  training_dir="$(mktemp -d "${TMPDIR:-/tmp}/cds-train.XXXXXX")"
  # The run binds nothing (the lifecycle beans are not started) but gets ports of its own; a state directory of its own.
  (cd "$training_dir" && env STATE_DIR="$training_dir/state" HTTP_ADDR=127.0.0.1 HTTP_PORT=$((20000 + RANDOM % 4000)) \
    RAFT_ADDR=127.0.0.1 RAFT_PORT=$((24000 + RANDOM % 4000)) SPRING_GRPC_SERVER_ADDRESS=127.0.0.1 \
    SPRING_GRPC_SERVER_PORT=$((28000 + RANDOM % 4000)) "$java" "$@" -Dspring.context.exit=onRefresh \
    -jar "$dir/app.jar" >"$dir/training.log" 2>&1) || status=$?
  rm -rf "$training_dir"
  return "$status"
}

# The archive a java can use best: aot (JDK 25+'s AOT cache) or cds.
archive_mode_for() {
  local major
  major="$("${1:-java}" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p')"
  if [[ -n "$major" && "$major" -ge 25 ]]; then echo aot; else echo cds; fi
}

# Sets LAUNCH to the java command line of a mode: plain, cds or aot (trained first if needed).
launch_command() {
  local mode="$1"
  case "$mode" in
    plain) LAUNCH="${JAVA:-java} -jar $(cds_jar)" ;;
    plain25) LAUNCH="${JAVA25:-java} -jar $(cds_jar)" ;;
    plain-spring) LAUNCH="${JAVA:-java} -Dspring.aot.enabled=true -jar $(cds_jar)" ;;
    cds|cds-refresh) cds_train "$mode" "${JAVA:-java}" && LAUNCH="${JAVA:-java} -XX:SharedArchiveFile=$CDS_ROOT/sample-kv-app/target/$mode/app.jsa -jar $CDS_ROOT/sample-kv-app/target/$mode/app.jar" ;;
    aot|aot-refresh) cds_train "$mode" "${JAVA25:-java}" && LAUNCH="${JAVA25:-java} $JDK25_OPTIONS -XX:AOTCache=$CDS_ROOT/sample-kv-app/target/$mode/app.aot -jar $CDS_ROOT/sample-kv-app/target/$mode/app.jar" ;;
    cds-spring) cds_train "$mode" "${JAVA:-java}" && LAUNCH="${JAVA:-java} -Dspring.aot.enabled=true -XX:SharedArchiveFile=$CDS_ROOT/sample-kv-app/target/$mode/app.jsa -jar $CDS_ROOT/sample-kv-app/target/$mode/app.jar" ;;
    aot-spring) cds_train "$mode" "${JAVA25:-java}" && LAUNCH="${JAVA25:-java} $JDK25_OPTIONS -Dspring.aot.enabled=true -XX:AOTCache=$CDS_ROOT/sample-kv-app/target/$mode/app.aot -jar $CDS_ROOT/sample-kv-app/target/$mode/app.jar" ;;
    *) echo "Unknown mode '$mode': plain, cds, aot, cds-spring, aot-spring (or plain25, plain-spring, cds-refresh, aot-refresh)" >&2; return 1 ;;
  esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  cds_train "${1:-cds}" "$([[ "${1:-cds}" == aot* ]] && echo "${JAVA25:-java}" || echo "${JAVA:-java}")"
  echo "Archive ready in $CDS_ROOT/sample-kv-app/target/${1:-cds}"
fi

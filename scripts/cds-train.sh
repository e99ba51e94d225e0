#!/usr/bin/env bash
# Makes the sample app start faster with class data sharing: extracts the jar (CDS needs plain jars on the class
# path) and records the classes a start loads in an archive, in a training run that stops once the Spring context
# is refreshed (-Dspring.context.exit=onRefresh). Run it again after every build of the jar.
#
#   scripts/cds-train.sh [cds|aot]
#
#   cds  JDK 17+: sample-kv-app/target/cds/{app.jar,lib/,app.jsa}; start with
#          java -XX:SharedArchiveFile=sample-kv-app/target/cds/app.jsa -jar sample-kv-app/target/cds/app.jar
#   aot  JDK 25+ (JAVA25=<path to its java>, default: java): sample-kv-app/target/aot/{app.jar,lib/,app.aot}; start with
#          java -XX:AOTCache=sample-kv-app/target/aot/app.aot -jar sample-kv-app/target/aot/app.jar
#
# Sourced by scripts/startup-time.sh and scripts/local-cluster.sh for launch_command.
set -euo pipefail

CDS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

cds_jar() {
  ls "$CDS_ROOT"/sample-kv-app/target/sample-kv-app-*.jar 2>/dev/null | grep -v -- '-plain.jar$' | head -n 1 || true
}

# Extracts the jar into target/<mode> unless it is up to date, then runs the training run if the archive is missing.
cds_train() {
  local mode="$1" java="${2:-java}" jar dir archive training
  jar="$(cds_jar)"
  [[ -n "$jar" ]] || { echo "No sample-kv-app jar: mvn -pl sample-kv-app -am package -DskipTests" >&2; return 1; }
  dir="$CDS_ROOT/sample-kv-app/target/$mode"
  if [[ "$mode" == cds ]]; then archive="$dir/app.jsa"; else archive="$dir/app.aot"; fi
  if [[ -f "$archive" && "$archive" -nt "$jar" ]]; then
    return 0
  fi
  rm -rf "$dir"
  "$java" -Djarmode=tools -jar "$jar" extract --destination "$dir" >/dev/null
  mv "$dir/$(basename "$jar")" "$dir/app.jar"
  if [[ "$mode" == cds ]]; then training=(-XX:ArchiveClassesAtExit="$archive"); else training=(-XX:AOTCacheOutput="$archive"); fi
  training_dir="$(mktemp -d "${TMPDIR:-/tmp}/cds-train.XXXXXX")"
  echo "Training run ($mode) for $archive..." >&2
  # The training run needs free ports only for an instant; a state directory of its own; no peers.
  (cd "$training_dir" && env STATE_DIR="$training_dir/state" HTTP_ADDR=127.0.0.1 HTTP_PORT=$((20000 + RANDOM % 4000)) \
    RAFT_ADDR=127.0.0.1 RAFT_PORT=$((24000 + RANDOM % 4000)) SPRING_GRPC_SERVER_ADDRESS=127.0.0.1 \
    SPRING_GRPC_SERVER_PORT=$((28000 + RANDOM % 4000)) "$java" "${training[@]}" -Dspring.context.exit=onRefresh \
    -jar "$dir/app.jar" >"$dir/training.log" 2>&1) || { echo "The training run failed; see $dir/training.log" >&2; rm -rf "$training_dir"; return 1; }
  rm -rf "$training_dir"
  [[ -f "$archive" ]] || { echo "The training run wrote no archive; see $dir/training.log" >&2; return 1; }
}

# Sets LAUNCH to the java command line of a mode: plain, cds or aot (trained first if needed).
launch_command() {
  local mode="$1"
  case "$mode" in
    plain) LAUNCH="java -jar $(cds_jar)" ;;
    cds) cds_train cds java && LAUNCH="java -XX:SharedArchiveFile=$CDS_ROOT/sample-kv-app/target/cds/app.jsa -jar $CDS_ROOT/sample-kv-app/target/cds/app.jar" ;;
    aot) cds_train aot "${JAVA25:-java}" && LAUNCH="${JAVA25:-java} -XX:AOTCache=$CDS_ROOT/sample-kv-app/target/aot/app.aot -jar $CDS_ROOT/sample-kv-app/target/aot/app.jar" ;;
    *) echo "Unknown mode '$mode': plain, cds or aot" >&2; return 1 ;;
  esac
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  cds_train "${1:-cds}" "$([[ "${1:-cds}" == aot ]] && echo "${JAVA25:-java}" || echo java)"
  echo "Archive ready in $CDS_ROOT/sample-kv-app/target/${1:-cds}"
fi

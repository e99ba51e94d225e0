#!/usr/bin/env bash
# A 3-node cluster of the starter and a 3-member etcd measured side by side, in one run, runs interleaved.
#
#   scripts/benchmark.sh                the sample's HTTP API (3 nodes) vs etcd's v3 JSON gateway: every workload,
#                                       10 s per run after 2 s warm-up, 2 alternating runs each
#   scripts/benchmark.sh --mode=api     the store API (RaftKeyValueStore) of a member inside the benchmark's JVM
#                                       (+ 2 sample nodes) vs etcd's Java client (jetcd), the same workloads
#   scripts/benchmark.sh --quick        a smoke run: 5 workloads, 1.5 s per run (with either mode)
#   scripts/benchmark.sh --help         every option (workloads, run time, rounds, value size, ...)
#
# Installs etcd from the distribution's packages when it is missing (Debian/Ubuntu: etcd-server, etcd-client),
# builds the sample's jar and the benchmark, starts both clusters on loopback in a temporary directory, prints
# the report and writes it to raft-benchmarks/target/benchmark-report.md (--mode=api: benchmark-api-report.md).
# Everything it started is stopped and the temporary directory deleted at the end, also after a failure or Ctrl-C.
# Settings, all optional:
#   BENCHMARK_SKIP_BUILD=1   use the jars already in sample-kv-app/target and raft-benchmarks/target
#   MAVEN_ARGS               extra Maven arguments for the build, e.g. -o
#   BENCHMARK_JAVA_OPTS      JVM options of the benchmark's own JVM (in --mode=api also member node1), e.g. -Xmx1g
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

install_etcd() {
  echo "etcd is not installed: installing the distribution's etcd-server and etcd-client packages"
  if ! command -v apt-get >/dev/null; then
    echo "No apt-get here: install etcd 3.4 or later with your distribution's package manager and run again." >&2
    exit 1
  fi
  local sudo=""
  if [[ "$(id -u)" -ne 0 ]]; then
    sudo="sudo"
  fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q etcd-server etcd-client
}

build() {
  local mvn="mvn"
  if ! command -v mvn >/dev/null; then
    mvn="./mvnw"
  fi
  echo "Building the sample app and the benchmark..."
  # shellcheck disable=SC2086
  "$mvn" -B -q ${MAVEN_ARGS:-} -DskipTests -pl sample-kv-app,raft-benchmarks -am package
}

HELP=false
for arg in "$@"; do
  [[ "$arg" == --help || "$arg" == -h ]] && HELP=true
done
BENCHMARK_JAR="$ROOT/raft-benchmarks/target/raft-benchmarks.jar"
if [[ "$HELP" == true ]]; then
  # The options are the Java runner's: print them without installing etcd, and without a build when it is there.
  [[ -f "$BENCHMARK_JAR" ]] || build
  exec java -jar "$BENCHMARK_JAR" --help
fi
command -v etcd >/dev/null || install_etcd
ETCD="$(command -v etcd)"
if [[ "${BENCHMARK_SKIP_BUILD:-}" != 1 ]]; then
  build
fi
SAMPLE_JAR="$(ls "$ROOT"/sample-kv-app/target/sample-kv-app-*.jar 2>/dev/null | grep -v -- '-plain.jar$' | head -n 1 || true)"
if [[ -z "$SAMPLE_JAR" || ! -f "$BENCHMARK_JAR" ]]; then
  echo "The jars are missing: run without BENCHMARK_SKIP_BUILD=1 to build them." >&2
  exit 1
fi

WORK_DIR="$(mktemp -d -t raft-benchmark.XXXXXX)"
KEEP_WORK_DIR=false
REPORT="$ROOT/raft-benchmarks/target/benchmark-report.md"
previous=""
for arg in "$@"; do
  [[ "$arg" == --keep-work-dir ]] && KEEP_WORK_DIR=true
  # The API mode's report goes next to the HTTP one instead of replacing it (--report still wins).
  if [[ "${arg,,}" == --mode=api || ( "$previous" == --mode && "${arg,,}" == api ) ]]; then
    REPORT="$ROOT/raft-benchmarks/target/benchmark-api-report.md"
  fi
  previous="$arg"
done

# The Java side stops its servers itself (a shutdown hook covers Ctrl-C); this catches what a killed JVM left:
# only processes it recorded whose command line is still one of ours.
cleanup() {
  local pid
  if [[ -f "$WORK_DIR/pids" ]]; then
    while read -r pid; do
      if [[ -r "/proc/$pid/cmdline" ]] \
          && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -e "$WORK_DIR" -e "$SAMPLE_JAR"; then
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done <"$WORK_DIR/pids"
  fi
  if [[ "$KEEP_WORK_DIR" != true ]]; then
    rm -rf "$WORK_DIR"
  fi
}
trap cleanup EXIT

# The opens are the Raft engine's (docs/configuration.md), for --mode=api's member in this JVM. On Java 24 and later
# that member gets the options the sample nodes get there (SideBySideBenchmark.withJdkOptions), unless
# BENCHMARK_JAVA_OPTS says otherwise: without them Netty runs without sun.misc.Unsafe on Java 25 (docs/benchmarks.md).
# shellcheck source=scripts/cds-train.sh
source "$ROOT/scripts/cds-train.sh"   # JDK25_OPTIONS: the options the JDK 25 launches of the sample take
JAVA_FEATURE="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
JDK_OPTIONS=""
if [[ "${JAVA_FEATURE:-0}" =~ ^[0-9]+$ && "$JAVA_FEATURE" -ge 24 && "${BENCHMARK_JAVA_OPTS:-}" != *--sun-misc-unsafe-memory-access* ]]; then
  JDK_OPTIONS="$JDK25_OPTIONS"
fi
# shellcheck disable=SC2086
java --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
  $JDK_OPTIONS ${BENCHMARK_JAVA_OPTS:-} -jar "$BENCHMARK_JAR" --sample-jar "$SAMPLE_JAR" --etcd "$ETCD" --work-dir "$WORK_DIR" \
  --project-root "$ROOT" --report "$REPORT" "$@"

#!/usr/bin/env bash
# Rebuilds security/advisories-maven.csv, the advisory database DependencyAdvisoryTest prefers to the bundled one,
# from OSV-format advisories (GitHub's advisory database, or OSV's Maven export) on this machine:
#   scripts/refresh-advisories.sh /path/to/advisory-database/advisories/github-reviewed
# Keeps the Maven ecosystem, drops withdrawn advisories; one row per affected range:
#   id (CVE alias, else GHSA id), published, summary, groupId:artifactId, introduced, fixed, severity, CWEs,
#   last affected (where the advisory gives no fixed version).
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=${1:?usage: scripts/refresh-advisories.sh <directory of OSV JSON advisories>}
[ -d "$source_dir" ] || { echo "No directory $source_dir" >&2; exit 2; }
command -v jq >/dev/null || { echo "refresh-advisories.sh needs jq (apt-get install jq)" >&2; exit 2; }
out=security/advisories-maven.csv
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# grep first: jq on only the files that name the Maven ecosystem keeps this to a minute on the whole database.
grep -rlZ --include='*.json' '"ecosystem": *"Maven"' "$source_dir" | xargs -0 -r jq -r '
  select(.withdrawn == null)
  | . as $advisory
  | (([.aliases[]? | select(startswith("CVE-"))] | first) // .id) as $id
  | .affected[]? | select(.package.ecosystem == "Maven") | .package.name as $package
  | .ranges[]? | select(.type == "ECOSYSTEM")
  | reduce .events[] as $event ([];
      if $event.introduced then . + [{introduced: $event.introduced, fixed: "", last: ""}]
      elif $event.fixed then .[-1].fixed = $event.fixed
      elif $event.last_affected then .[-1].last = $event.last_affected
      else . end)
  | .[]
  | [$id, $advisory.published, $advisory.summary, $package, .introduced, .fixed,
     ($advisory.database_specific.severity // "UNKNOWN"), (($advisory.database_specific.cwe_ids // []) | join(";")),
     .last]
  | @csv' | sort > "$tmp"

rows=$(wc -l < "$tmp")
[ "$rows" -gt 0 ] || { echo "No Maven advisories under $source_dir: $out left as it was" >&2; exit 1; }
mv "$tmp" "$out"
trap - EXIT
newest=$(cut -d, -f2 "$out" | tr -d '"' | sort | tail -1)
echo "Wrote $rows advisory rows to $out (newest advisory published $newest)"

#!/usr/bin/env bash
# Operator scale benchmark (not part of the test suite; issue 18, item 6): the packaged operator on the real local
# control plane without nodes, N FerretDB objects like the guide's created at once, then M more beside them. Writes
# docs/benchmarks/operator-scale/report.md and results.json: time until every object's children and status exist,
# the operator's CPU and RSS while creating and at rest, and the API server's request rate at rest with the operator
# running and stopped.
#
#   hack/scale-bench.sh [--first N] [--second M] [--out DIR] [maven args...]     (defaults: 20, 200, docs/benchmarks/operator-scale)
#
# Needs what hack/test.sh installs (the control-plane tools). Builds the binary first (package). About 10 minutes on
# 2 cores for the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."

first=20
second=200
out=docs/benchmarks/operator-scale
maven_args=()
while (($#)); do
  case $1 in
    --first) first=$2; shift 2 ;;
    --second) second=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) maven_args+=("$1"); shift ;;
  esac
done
for n in "$first" "$second"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "--first and --second must be positive whole numbers, got '$n'" >&2; exit 2; }
done

exec ./mvnw -B verify \
  -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=OperatorScaleBenchIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dscale.first="$first" -Dscale.second="$second" -Dscale.report.dir="$(realpath -m "$out")" \
  "${maven_args[@]}"

#!/usr/bin/env bash
# Failover benchmark (not part of the test suite): runs every HA harness scenario many times on this machine — real
# PostgreSQL servers, real pg-coordinator processes, the real local control plane — and writes
# target/failover-bench/results.json and target/failover-bench/report.md (see docs/benchmarks.md).
#
#   hack/failover-bench.sh [--runs N] [--scenarios slug,slug] [maven args...]
#
#   --runs N          runs per scenario (default 20), one cluster per scenario (each run starts from the settled
#                     cluster the previous run left); the report is rewritten after every run, so an interrupted
#                     benchmark still leaves its figures behind
#   --scenarios ...   only these scenarios (slugs as in the report, e.g. case1-delete-primary,case1-kill-primary)
#
# Needs what hack/test.sh installs (PostgreSQL 15, the control-plane tools). Builds the binary first (package).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=20
scenarios=""
maven_args=()
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) maven_args+=("$1"); shift ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive whole number, got '$runs'" >&2; exit 2; }

exec ./mvnw -B verify \
  -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=FailoverBenchIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dfailover.bench=true -Dfailover.bench.runs="$runs" -Dfailover.bench.scenarios="$scenarios" \
  "${maven_args[@]}"

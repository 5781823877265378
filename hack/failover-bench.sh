#!/usr/bin/env bash
# Failover benchmark (not part of the test suite): ferretdb-operator and Patroni side by side on this machine — real
# PostgreSQL servers (the same binaries for both), real pg-coordinator processes with the real local control plane,
# real Patroni agents with a real etcd — and writes target/failover-bench/results.json, report.md and gaps.png
# (see docs/benchmarks.md).
#
#   hack/failover-bench.sh [--systems a,b] [--scenarios slug,slug|all] [--runs N] [--peer-runs N] [maven args...]
#
#   --systems ...     which systems (default: ours,patroni-default,patroni-fast)
#                       ours             ferretdb-operator's pg-coordinator, CRD-default leader election
#                       patroni-default  Patroni 4.x + etcd, Patroni's defaults (ttl 30, loop_wait 10, retry_timeout 10)
#                       patroni-fast     its fastest documented timings (ttl 20, loop_wait 1, retry_timeout 3,
#                                        primary_start_timeout 0)
#   --scenarios ...   scenario slugs as in the report (default: case1-delete-primary,case1-kill-primary,case1-node-lost,
#                     the guide's case 1 graceful, as a crash whose pod restarts at once, and as a lost node whose pod
#                     returns only after the failover: the scenarios every system runs); `all` runs every scenario of
#                     ours (Patroni runs only the case 1 scenarios and skips the others)
#   --runs N          runs per scenario (default: 10 of ours, 5 of each Patroni system); given alone, it applies to
#                     every system
#   --peer-runs N     runs per scenario of each Patroni system, when it should differ from --runs
#
# The defaults keep the whole benchmark under 30 minutes on a 2-core machine: measured 17m41s including the build
# (2026-11-26, 2 cores, load average 12-25 from other jobs), for 2 scenarios x 10 runs of ours (~25 s per run with the
# restart and settling, after ~2 min of build and control-plane start) plus 2 scenarios x 5 runs of each Patroni
# configuration (~10-25 s per run, ~10 s to bootstrap each cluster). For figures to quote, raise them, e.g.
# `--systems ours --runs 20` for ours alone (about 20 minutes for the two scenarios).
# One cluster per system and scenario (each run starts from the settled cluster the previous run left); the report is
# rewritten after every run, so an interrupted benchmark still leaves its figures behind.
#
# Needs what hack/test.sh installs (PostgreSQL 15, the control-plane tools, Patroni and etcd from hack/tools.sh).
# Builds the binary first (package).
#
#   hack/failover-bench.sh --real-nodes [--runs N] [--scenarios slug,slug|all] [maven args...]
#
# The guide's failure cases on real pods instead (GuideFailuresOnRealNodesIT, N runs of each case on one three-node
# cluster of hack/local-cluster.sh with the operator installed by Helm, a MongoDB writer through the `ferret` Service):
# writes target/real-nodes-bench/results.json, report.md and gaps.png, rewritten after every run. Scenario slugs:
# case1-delete-primary, case1-force-delete-primary, case2-delete-primary-and-secondary,
# case3-delete-both-secondaries, case4-delete-every-pod, crash-primary-postgres-container, node-lost (default: all). --runs
# defaults to 10. Needs the images hack/test.sh builds (hack/images.sh) and root. --runs 10 of all seven took 33 min on
# 2 cores with nothing else running (2026-12-06: about 1.5 min to start the cluster, then 20-30 s per run; a node-lost
# run takes about 1 min more: the node stays down through the failover, then rejoins). The report says how much CPU
# other processes used meanwhile, and so whether the machine was quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC1091  # hack/java25.sh: checked on its own
source hack/java25.sh

systems=ours,patroni-default,patroni-fast
scenarios=case1-delete-primary,case1-kill-primary,case1-node-lost
runs=10
peer_runs=""
real_nodes=""
maven_args=()
while (($#)); do
  case $1 in
    --systems) systems=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --runs) runs=$2; [[ -n $peer_runs ]] || peer_runs_from_runs=1; shift 2 ;;
    --peer-runs) peer_runs=$2; shift 2 ;;
    --real-nodes) real_nodes=1; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) maven_args+=("$1"); shift ;;
  esac
done
if [[ -z $peer_runs ]]; then
  if [[ -n ${peer_runs_from_runs:-} ]]; then peer_runs=$runs; else peer_runs=5; fi
fi
for n in "$runs" "$peer_runs"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || { echo "--runs and --peer-runs must be positive whole numbers, got '$n'" >&2; exit 2; }
done
[[ $systems =~ ^(ours|patroni-default|patroni-fast)(,(ours|patroni-default|patroni-fast))*$ ]] \
  || { echo "--systems: a comma-separated list of ours, patroni-default, patroni-fast; got '$systems'" >&2; exit 2; }
[[ $scenarios == all ]] && scenarios=""

if [[ -n $real_nodes ]]; then
  [[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "--runs must be a positive whole number, got '$runs'" >&2; exit 2; }
  declare -A method=([case1-delete-primary]=case1DeletePrimary [case1-force-delete-primary]=case1ForceDeletePrimary
    [case2-delete-primary-and-secondary]=case2DeletePrimaryAndASecondary
    [case3-delete-both-secondaries]=case3DeleteBothSecondaries [case4-delete-every-pod]=case4DeleteEveryBackendPod
    [crash-primary-postgres-container]=primaryPostgresContainerCrash [node-lost]=nodeLost)
  selected=GuideFailuresOnRealNodesIT
  if [[ -n $scenarios && $scenarios != "case1-delete-primary,case1-kill-primary,case1-node-lost" ]]; then
    methods=()
    IFS=, read -ra slugs <<<"$scenarios"
    for s in "${slugs[@]}"; do
      [[ -n ${method[$s]:-} ]] || { echo "--scenarios: unknown real-node scenario '$s' (${!method[*]})" >&2; exit 2; }
      methods+=("${method[$s]}")
    done
    selected+="#$(IFS=+; echo "${methods[*]}")"
  fi
  hack/images.sh pause postgres-17 postgres-15 ferretdb
  eval "$(hack/tools.sh --print-env)"
  exec ./mvnw -B verify \
    -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test="$selected" -Dfailsafe.failIfNoSpecifiedTests=false \
    -Drealnodes.bench.runs="$runs" -Drealnodes.bench.dir="$PWD/target/real-nodes-bench" \
    "${maven_args[@]}"
fi

# Patroni and etcd come from the tool cache (the tests find them through hack/tools.sh --print-env themselves).
if [[ $systems == *patroni* ]]; then
  hack/tools.sh --print-env patroni etcd >/dev/null || { echo "Patroni/etcd not built: run hack/tools.sh patroni etcd" >&2; exit 1; }
fi

exec ./mvnw -B verify \
  -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=FailoverBenchIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dfailover.bench=true -Dfailover.bench.systems="$systems" -Dfailover.bench.scenarios="$scenarios" \
  -Dfailover.bench.runs="$runs" -Dfailover.bench.peer.runs="$peer_runs" \
  "${maven_args[@]}"

#!/usr/bin/env bash
# Start-up benchmark of the operator image (process start to the coordinator's first decision and to the operator's
# first reconcile; with the image's AOT cache, with AppCDS only, with neither). Builds the operator image when its
# inputs changed (hack/images.sh operator), then runs hack/startup-bench.py, which writes
# docs/benchmarks/startup/report.md. Needs root.
#
#   hack/startup-bench.sh [--runs N] [--deep-training] [--out FILE] [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC1091  # hack/java25.sh: checked on its own
source hack/java25.sh
hack/tools.sh kubectl etcd kube-apiserver kube-controller-manager >/dev/null
hack/images.sh operator
exec python3 hack/startup-bench.py "$@"

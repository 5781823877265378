#!/usr/bin/env bash
# Runs the operator from source. Uses the cluster of the current kubeconfig when it answers; otherwise starts the
# built-in local cluster (hack/local-cluster.sh) with real nodes (3 by default, LOCAL_CLUSTER_NODES to change; needs
# root) and the images hack/images.sh builds here, and runs against that. Installs the CRDs, the default
# FerretDBVersion catalog and the admission policies first.
set -euo pipefail
cd "$(dirname "$0")/.."
# The jar targets Java 25: JAVA_HOME (and PATH) become a JDK 25, or this fails.
# shellcheck disable=SC1091  # hack/java25.sh: checked on its own
source hack/java25.sh

hack/tools.sh kubectl >/dev/null
eval "$(hack/tools.sh --print-env)"

if "$KUBECTL" get --raw /readyz --request-timeout=3s >/dev/null 2>&1; then
  echo "run-operator: using the cluster of the current kubeconfig ($("$KUBECTL" config current-context 2>/dev/null || echo in-cluster))"
  ./mvnw -q -B package -DskipTests
else
  nodes=${LOCAL_CLUSTER_NODES:-3}
  echo "run-operator: no cluster reachable; starting the local cluster with $nodes node(s)"
  hack/install-deps.sh
  hack/tools.sh
  ./mvnw -q -B package -DskipTests
  # The pods run the images built here (the operator image carries the coordinator); nodes import them on `up`.
  ((nodes == 0)) || hack/images.sh --skip-build
  eval "$(hack/local-cluster.sh up --nodes "$nodes" | grep '^export KUBECONFIG=')"
  echo "run-operator: in another shell: export KUBECONFIG=$KUBECONFIG"
fi

"$KUBECTL" apply --server-side --force-conflicts -f kubernetes/crds/
"$KUBECTL" wait --for condition=established --timeout=60s -f kubernetes/crds/ >/dev/null
[ -d kubernetes/catalog ] && "$KUBECTL" apply --server-side -f kubernetes/catalog/
[ -d kubernetes/admission ] && "$KUBECTL" apply --server-side -f kubernetes/admission/

exec java -jar target/quarkus-app/quarkus-run.jar "$@"

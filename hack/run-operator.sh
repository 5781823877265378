#!/usr/bin/env bash
# Runs the operator from source. Uses the cluster of the current kubeconfig when it answers; otherwise starts the
# built-in local control plane (hack/local-cluster.sh: etcd, kube-apiserver, kube-controller-manager on loopback)
# and runs against that. Installs the CRDs, the default FerretDBVersion catalog and the admission policies first.
set -euo pipefail
cd "$(dirname "$0")/.."

hack/tools.sh kubectl >/dev/null
eval "$(hack/tools.sh --print-env)"

if "$KUBECTL" get --raw /readyz --request-timeout=3s >/dev/null 2>&1; then
  echo "run-operator: using the cluster of the current kubeconfig ($("$KUBECTL" config current-context 2>/dev/null || echo in-cluster))"
else
  echo "run-operator: no cluster reachable; starting the local control plane"
  eval "$(hack/local-cluster.sh up | grep '^export KUBECONFIG=')"
  echo "run-operator: in another shell: export KUBECONFIG=$KUBECONFIG"
fi

"$KUBECTL" apply --server-side --force-conflicts -f kubernetes/crds/
"$KUBECTL" wait --for condition=established --timeout=60s -f kubernetes/crds/ >/dev/null
[ -d kubernetes/catalog ] && "$KUBECTL" apply --server-side -f kubernetes/catalog/
[ -d kubernetes/admission ] && "$KUBECTL" apply --server-side -f kubernetes/admission/

./mvnw -q -B package -DskipTests
exec java -jar target/quarkus-app/quarkus-run.jar "$@"

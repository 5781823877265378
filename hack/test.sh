#!/usr/bin/env bash
# Runs every test: unit, mock API server, real control plane, real PostgreSQL HA harness, real nodes.
# On a fresh machine it first installs what the tests need (Debian packages, Go-built tools and images into a cache).
# In CI (CI=true) a missing tool or server is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
# The build targets Java 25: JAVA_HOME (and PATH) become a JDK 25, or this fails.
# shellcheck disable=SC1091  # hack/java25.sh: checked on its own
source hack/java25.sh
hack/install-deps.sh
hack/tools.sh
# Images of the real-node tier (Debian root filesystems, FerretDB); the operator image is built by that tier itself
# from the jar under test (RealNodeCluster).
hack/images.sh pause postgres-17 postgres-15 ferretdb
eval "$(hack/tools.sh --print-env)"
exec ./mvnw -B verify "$@"

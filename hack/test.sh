#!/usr/bin/env bash
# Runs every test: unit, mock API server, real control plane, real PostgreSQL HA harness.
# On a fresh machine it first installs what the tests need (Debian packages, then Go-built tools into a cache).
# In CI (CI=true) a missing tool or server is a failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
hack/install-deps.sh
hack/tools.sh
eval "$(hack/tools.sh --print-env)"
exec ./mvnw -B verify "$@"

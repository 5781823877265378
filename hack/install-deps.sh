#!/usr/bin/env bash
# Installs the Debian packages the test suite runs for real: PostgreSQL 15 (server, pg_basebackup, pg_rewind),
# openssl (control-plane certificates), util-linux (runuser: PostgreSQL refuses to run as root), procps, pgbackrest
# (the WAL archiver),
# prometheus (Debian's Prometheus 2.42: promtool checks and unit-tests the alert rules; the server scrapes in tests);
# and for the real nodes of hack/local-cluster.sh containerd, runc, containernetworking-plugins, iptables and conntrack.
# Does nothing when everything is present; needs root (or sudo) only when something is missing.
set -euo pipefail

PG_MAJOR=${PG_MAJOR:-15}
missing=()
[ -x "/usr/lib/postgresql/$PG_MAJOR/bin/postgres" ] || missing+=("postgresql-$PG_MAJOR")
[ -x "/usr/lib/postgresql/$PG_MAJOR/bin/pg_rewind" ] || missing+=("postgresql-$PG_MAJOR")
command -v openssl >/dev/null || missing+=(openssl)
command -v runuser >/dev/null || missing+=(util-linux)
command -v pkill >/dev/null || missing+=(procps)
command -v python3 >/dev/null || missing+=(python3)
# WAL archiving to S3 (the archiver the coordinator configures; WalArchivingFailoverIT)
command -v pgbackrest >/dev/null || missing+=(pgbackrest)
command -v promtool >/dev/null || missing+=(prometheus)
command -v go >/dev/null || [ -x /usr/local/go/bin/go ] || missing+=(golang-go)
# Real nodes of hack/local-cluster.sh: containerd 1.6 (CRI v1), runc, CNI plugins, kube-proxy's iptables (nft backend).
command -v containerd >/dev/null || missing+=(containerd)
command -v runc >/dev/null || missing+=(runc)
[ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
command -v iptables >/dev/null || missing+=(iptables)
command -v conntrack >/dev/null || missing+=(conntrack)
command -v nsenter >/dev/null || missing+=(util-linux)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all Debian packages present"
  exit 0
fi
# De-duplicate.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root to install ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
# Package scripts may start services (where no policy-rc.d forbids it); the tests start their own on free ports.
if [[ " ${missing[*]} " == *" prometheus "* ]] && pgrep -x prometheus >/dev/null; then
  $sudo pkill -x prometheus || true
fi
# The Debian package starts a cluster of its own on 5432; the tests start their own servers on free ports.
if command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | grep -q online; then
  $sudo pg_ctlcluster "$PG_MAJOR" main stop || true
fi

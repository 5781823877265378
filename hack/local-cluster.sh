#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions are called indirectly (build_<name>, wait_for ... <cmd>)
# A node-less local Kubernetes control plane (etcd + kube-apiserver + kube-controller-manager) on loopback ports,
# built by hack/tools.sh. Pods are created by the controllers but stay Pending: there is no kubelet and no scheduler.
#
#   hack/local-cluster.sh up            start (or just report when already up); prints `export KUBECONFIG=...` on stdout
#   hack/local-cluster.sh down [--purge] stop exactly the recorded processes; --purge also deletes the state dir
#   hack/local-cluster.sh status        show the components (pid alive + health); exit 0 only when all are healthy
#   hack/local-cluster.sh env           print the export line (KUBECONFIG) without checking anything
#
# Usage: eval "$(hack/local-cluster.sh up)" && kubectl get ns
#
# Env: LOCAL_CLUSTER_DIR   state dir (default $HOME/.cache/ferretdb-operator/local-cluster): pki/, etcd/, logs/, pids/,
#                          ports.env, kubeconfig
#      LOCAL_CLUSTER_TIMEOUT  seconds to wait for readiness (default 60)
#      FERRETDB_OPERATOR_TOOLS  tools cache, see hack/tools.sh
set -euo pipefail

HACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${LOCAL_CLUSTER_DIR:-$HOME/.cache/ferretdb-operator/local-cluster}
[[ $STATE == /* ]] || STATE=$PWD/$STATE
TIMEOUT=${LOCAL_CLUSTER_TIMEOUT:-60}
PKI=$STATE/pki
LOGS=$STATE/logs
PIDS=$STATE/pids
KUBECONFIG_FILE=$STATE/kubeconfig
COMPONENTS=(etcd kube-apiserver kube-controller-manager)

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() { printf '[local-cluster] ERROR: %s\n' "$*" >&2; exit 1; }

need() { command -v "$1" >/dev/null || die "$1 is required but not installed"; }

load_tools() {
  "$HACK_DIR/tools.sh" kubernetes etcd >&2 || die "hack/tools.sh failed"
  local env
  env=$("$HACK_DIR/tools.sh" --print-env kubernetes etcd) || die "hack/tools.sh --print-env failed"
  eval "$env"
}

# ---------------------------------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------------------------------
pid_of() { if [[ -f $PIDS/$1.pid ]]; then cat "$PIDS/$1.pid"; fi; }

# alive <component>: the recorded pid exists and is that component's binary (guards against pid reuse).
alive() {
  local pid exe
  pid=$(pid_of "$1")
  [[ -n $pid && -d /proc/$pid ]] || return 1
  exe=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | awk '{print $1}') || return 1
  [[ ${exe##*/} == "$1" ]]
}

# start <component> <binary> <args...>: detached (own session), pid written by the process itself before exec.
start() {
  local name=$1
  shift
  rm -f "$PIDS/$name.pid"
  log "starting $name (log: $LOGS/$name.log)"
  # shellcheck disable=SC2016  # expanded by the inner bash
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDS/$name.pid" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  local i
  # Wait for the exec: until then the pid is the wrapping bash.
  for i in $(seq 100); do
    [[ -s $PIDS/$name.pid ]] && alive "$name" && return 0
    sleep 0.1
  done
  tail -n 30 "$LOGS/$name.log" >&2 || true
  die "$name did not start"
}

stop() {
  local name=$1 pid i
  pid=$(pid_of "$name")
  if [[ -z $pid ]]; then return 0; fi
  if alive "$name"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 150); do
      alive "$name" || break
      sleep 0.1
    done
    if alive "$name"; then
      log "$name (pid $pid) did not exit after TERM, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      for i in $(seq 50); do
        alive "$name" || break
        sleep 0.1
      done
      alive "$name" && die "could not kill $name (pid $pid)"
    fi
  fi
  rm -f "$PIDS/$name.pid"
}

# ---------------------------------------------------------------------------------------------------------------------
# Ports, certificates, kubeconfig
# ---------------------------------------------------------------------------------------------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_ports <n>: n distinct free loopback ports.
free_ports() {
  if command -v python3 >/dev/null; then
    python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
  else
    local -a ports=()
    local p
    while ((${#ports[@]} < $1)); do
      p=$((20000 + RANDOM % 12000))
      [[ " ${ports[*]} " == *" $p "* ]] && continue
      port_free "$p" && ports+=("$p")
    done
    echo "${ports[*]}"
  fi
}

# Reuses the ports of the previous run when they are all free (keeps etcd's member URLs stable), else picks new ones.
choose_ports() {
  if [[ -f $STATE/ports.env ]]; then
    # shellcheck disable=SC1091
    source "$STATE/ports.env"
    if port_free "$ETCD_PORT" && port_free "$ETCD_PEER_PORT" && port_free "$APISERVER_PORT" && port_free "$KCM_PORT"; then
      return
    fi
    log "ports of the previous run are taken, choosing new ones"
  fi
  read -r ETCD_PORT ETCD_PEER_PORT APISERVER_PORT KCM_PORT < <(free_ports 4)
  cat >"$STATE/ports.env" <<EOF
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
APISERVER_PORT=$APISERVER_PORT
KCM_PORT=$KCM_PORT
EOF
}

# sign <name> <subject> <extensions>: key + cert signed by the local CA.
sign() {
  local name=$1 subj=$2 ext=$3
  openssl req -new -newkey rsa:2048 -nodes -keyout "$PKI/$name.key" -out "$PKI/$name.csr" -subj "$subj" 2>/dev/null
  printf '%s\n' "$ext" >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 3650 -sha256 \
    -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

ensure_pki() {
  if [[ -f $PKI/.complete ]]; then return; fi
  need openssl
  rm -rf "$PKI"
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  log "generating certificates in $PKI"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -days 3650 -sha256 \
    -subj "/CN=ferretdb-operator-local-cluster-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
  sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  sign admin "/O=system:masters/CN=admin" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  # Client cert the apiserver uses towards aggregated API servers (requestheader auth); also gives the controller-manager's
  # delegated authentication the requestheader CA it looks up.
  sign front-proxy-client "/CN=front-proxy-client" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  touch "$PKI/.complete"
}

write_kubeconfig() {
  local tmp=$KUBECONFIG_FILE.tmp
  cat >"$tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: admin
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/admin.crt")
    client-key-data: $(base64 -w0 <"$PKI/admin.key")
contexts:
- name: local
  context:
    cluster: local
    user: admin
    namespace: default
current-context: local
EOF
  chmod 600 "$tmp"
  mv "$tmp" "$KUBECONFIG_FILE"
}

# ---------------------------------------------------------------------------------------------------------------------
# Health
# ---------------------------------------------------------------------------------------------------------------------
load_ports() {
  [[ -f $STATE/ports.env ]] || return 1
  # shellcheck disable=SC1091
  source "$STATE/ports.env"
}

https_get() {
  curl -fsS --max-time 3 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$1" 2>/dev/null
}

healthy() {
  case $1 in
    etcd) curl -fsS --max-time 3 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"' ;;
    kube-apiserver) [[ $(https_get "https://127.0.0.1:$APISERVER_PORT/readyz") == ok ]] ;;
    # /healthz is in the controller-manager's always-allowed paths; it serves a self-signed cert.
    kube-controller-manager) [[ $(curl -fsSk --max-time 3 "https://127.0.0.1:$KCM_PORT/healthz" 2>/dev/null) == ok ]] ;;
  esac
}

all_healthy() {
  load_ports || return 1
  [[ -f $KUBECONFIG_FILE ]] || return 1
  local c
  for c in "${COMPONENTS[@]}"; do
    alive "$c" && healthy "$c" || return 1
  done
}

# wait_for <description> <command...>: polls until the command succeeds or the deadline passes.
DEADLINE=0
wait_for() {
  local what=$1
  shift
  until "$@"; do
    if ((SECONDS >= DEADLINE)); then
      return 1
    fi
    sleep 0.5
  done
  log "$what: ok ($((SECONDS - START))s)"
}

# Fails the wait early when the process died, and shows the end of its log.
running_and() {
  local name=$1
  shift
  if ! alive "$name"; then
    log "$name exited; last lines of $LOGS/$name.log:"
    tail -n 30 "$LOGS/$name.log" >&2 || true
    die "$name failed to start"
  fi
  "$@"
}

kubectl_ok() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@" >/dev/null 2>&1; }

print_export() { printf 'export KUBECONFIG=%q\n' "$KUBECONFIG_FILE"; }

# ---------------------------------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------------------------------
cmd_up() {
  need curl
  mkdir -p "$STATE" "$LOGS" "$PIDS"
  if all_healthy; then
    log "already up (state: $STATE)"
    print_export
    return
  fi
  load_tools
  # Whatever is left of an earlier, partial run is stopped; the data dir and certificates are kept.
  local i
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop "${COMPONENTS[i]}"; done
  ensure_pki
  choose_ports
  write_kubeconfig
  START=$SECONDS
  DEADLINE=$((SECONDS + TIMEOUT))

  local -a etcd_flags=(
    --name=local --data-dir="$STATE/etcd"
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT"
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT"
    --initial-cluster="local=http://127.0.0.1:$ETCD_PEER_PORT"
    --log-level=warn
  )
  local etcd_help
  etcd_help=$("$ETCD" --help 2>&1 || true) # not `| grep -q`: with pipefail an early grep exit fails the pipeline
  if [[ $etcd_help == *--unsafe-no-fsync* ]]; then etcd_flags+=(--unsafe-no-fsync); fi
  start etcd "$ETCD" "${etcd_flags[@]}"
  wait_for "etcd on 127.0.0.1:$ETCD_PORT" running_and etcd healthy etcd || die "etcd not healthy after ${TIMEOUT}s (log: $LOGS/etcd.log)"

  start kube-apiserver "$KUBE_APISERVER" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
    --cert-dir="$STATE/apiserver-certs" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --allow-privileged=true \
    --requestheader-client-ca-file="$PKI/ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
    --endpoint-reconciler-type=none
  wait_for "kube-apiserver /readyz on 127.0.0.1:$APISERVER_PORT" running_and kube-apiserver healthy kube-apiserver \
    || die "kube-apiserver not ready after ${TIMEOUT}s (log: $LOGS/kube-apiserver.log)"

  start kube-controller-manager "$KUBE_CONTROLLER_MANAGER" \
    --kubeconfig="$KUBECONFIG_FILE" \
    --authentication-kubeconfig="$KUBECONFIG_FILE" --authorization-kubeconfig="$KUBECONFIG_FILE" \
    --controllers='*' \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --use-service-account-credentials=false --leader-elect=false \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$STATE/kcm-certs"
  wait_for "kube-controller-manager /healthz on 127.0.0.1:$KCM_PORT" running_and kube-controller-manager healthy kube-controller-manager \
    || die "kube-controller-manager not healthy after ${TIMEOUT}s (log: $LOGS/kube-controller-manager.log)"
  wait_for "namespace default" running_and kube-apiserver kubectl_ok get namespace default \
    || die "namespace default missing after ${TIMEOUT}s"
  wait_for "serviceaccount default/default" running_and kube-controller-manager kubectl_ok -n default get serviceaccount default \
    || die "serviceaccount default/default missing after ${TIMEOUT}s (log: $LOGS/kube-controller-manager.log)"
  log "up: apiserver https://127.0.0.1:$APISERVER_PORT, etcd http://127.0.0.1:$ETCD_PORT, state $STATE"
  print_export
}

cmd_down() {
  local purge=0
  case ${1:-} in
    --purge) purge=1 ;;
    "") ;;
    *) die "usage: $0 down [--purge]" ;;
  esac
  local i
  if [[ -d $PIDS ]]; then
    for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop "${COMPONENTS[i]}"; done
  fi
  if ((purge)); then
    log "removing $STATE"
    rm -rf "$STATE"
  fi
  log "down"
}

cmd_status() {
  local ok=0 c pid state health port
  load_ports || { log "not set up (no $STATE/ports.env)"; return 1; }
  for c in "${COMPONENTS[@]}"; do
    pid=$(pid_of "$c")
    if alive "$c"; then
      state="running pid=$pid"
      if healthy "$c"; then health=healthy; else health=unhealthy; ok=1; fi
    else
      state="stopped"
      health="-"
      ok=1
    fi
    case $c in
      etcd) port=$ETCD_PORT ;;
      kube-apiserver) port=$APISERVER_PORT ;;
      kube-controller-manager) port=$KCM_PORT ;;
    esac
    printf '%-24s %-18s %-10s 127.0.0.1:%s\n' "$c" "$state" "$health" "$port"
  done
  printf 'kubeconfig: %s\n' "$KUBECONFIG_FILE"
  return $ok
}

case ${1:-} in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  status) shift; cmd_status "$@" ;;
  env) print_export ;;
  -h | --help | help) sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
exit

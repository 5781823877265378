#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions are called indirectly (build_<name>, wait_for ... <cmd>)
# A local Kubernetes cluster built by hack/tools.sh: etcd + kube-apiserver + kube-controller-manager (+ kube-scheduler)
# and, by default, real nodes on this machine. Each node has its own network namespace (veth to a private switch, its
# own pod CIDR), its own mount namespace (per-node /run, kubelet/containerd/CNI dirs and the sysctl files kubelet
# writes), containerd + runc + CNI bridge, kubelet and kube-proxy (iptables). Cluster DNS (CoreDNS, Service kube-dns at
# 10.0.0.10) and the default StorageClass local-path (rancher local-path-provisioner) run as host processes.
# `--nodes 0` is the node-less control plane on loopback (no root needed): pods stay Pending.
#
#   hack/local-cluster.sh up [--nodes N] start (or just report when already up); prints `export KUBECONFIG=...` on stdout
#   hack/local-cluster.sh down [--purge] stop exactly what was recorded and remove it; --purge also deletes the state dir
#   hack/local-cluster.sh status        show the components and nodes; exit 0 only when all are healthy
#   hack/local-cluster.sh env           print the export line (KUBECONFIG) without checking anything
#   hack/local-cluster.sh load-images   (re)import every *.oci.tar of the images dir into every node's containerd
#   hack/local-cluster.sh node-stop N   node-N is lost at once: its network cut (its veth on the switch down) and its
#                                       kubelet, kube-proxy, containerd and every container process SIGKILLed together;
#                                       its namespaces, directories and volumes stay, as a powered-off machine's disks
#   hack/local-cluster.sh node-start N  node-N back: its network up, containerd, kubelet and kube-proxy started again
#
# Usage: eval "$(hack/local-cluster.sh up --nodes 3)" && kubectl get nodes
#
# Env: LOCAL_CLUSTER_DIR   state dir (default $HOME/.cache/ferretdb-operator/local-cluster): pki/, etcd/, logs/, pids/,
#                          nodes/, ports.env, cluster.env, kubeconfig
#      LOCAL_CLUSTER_NODES   node count when --nodes is not given (default 1; 0 = node-less control plane)
#      LOCAL_CLUSTER_TIMEOUT  seconds to wait for the control plane (default 60)
#      LOCAL_CLUSTER_NODE_TIMEOUT  seconds to wait for the nodes to become Ready (default 180)
#      FERRETDB_OPERATOR_IMAGES  OCI image archives (*.oci.tar) imported into the nodes, written by hack/images.sh
#                          (default $HOME/.cache/ferretdb-operator/images; must hold registry.k8s.io/pause:3.10)
#      FERRETDB_OPERATOR_TOOLS  tools cache, see hack/tools.sh
set -euo pipefail

HACK_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${LOCAL_CLUSTER_DIR:-$HOME/.cache/ferretdb-operator/local-cluster}
[[ $STATE == /* ]] || STATE=$PWD/$STATE
TIMEOUT=${LOCAL_CLUSTER_TIMEOUT:-60}
NODE_TIMEOUT=${LOCAL_CLUSTER_NODE_TIMEOUT:-180}
IMAGES_DIR=${FERRETDB_OPERATOR_IMAGES:-$HOME/.cache/ferretdb-operator/images}
PKI=$STATE/pki
LOGS=$STATE/logs
PIDS=$STATE/pids
NODES_DIR=$STATE/nodes
KUBECONFIG_FILE=$STATE/kubeconfig
COMPONENTS=(etcd kube-apiserver kube-controller-manager)
# With nodes: the scheduler, then the per-node components, then the add-ons running on the host.
NODE_COMPONENTS=(ns containerd kubelet kube-proxy)
ADDONS=(coredns local-path-provisioner)
# /16: a /24 holds 254 ClusterIPs, and each FerretDB has several (the scale benchmark runs out with about 50)
SERVICE_CIDR=10.0.0.0/16
CLUSTER_DNS=10.0.0.10
PAUSE_IMAGE=registry.k8s.io/pause:3.10
# Serializes picking a cluster network among local clusters of this machine (several state dirs may run at once).
NET_LOCK=${TMPDIR:-/tmp}/ferretdb-operator-local-cluster.net.lock
# sysctls kubelet sets (pkg/kubelet/cm: setupKernelTunables) with the values it wants; each node sees files holding
# these values instead of the VM-wide ones, so kubelet changes nothing on the host.
KUBELET_SYSCTLS=(vm/overcommit_memory=1 vm/panic_on_oom=0 kernel/panic=10 kernel/panic_on_oops=1
  kernel/keys/root_maxkeys=1000000 kernel/keys/root_maxbytes=25000000)
# Fixed host paths the node processes write to; each node bind-mounts its own directory over them (created on the
# host only when missing, recorded in created-dirs and removed by `down`).
NODE_MOUNTS=(/var/lib/kubelet:kubelet /var/lib/containerd:containerd /var/lib/cni:cni-state
  /var/log/pods:log/pods /var/log/containers:log/containers)

log() { printf '[local-cluster] %s\n' "$*" >&2; }
die() { printf '[local-cluster] ERROR: %s\n' "$*" >&2; exit 1; }

need() { command -v "$1" >/dev/null || die "$1 is required but not installed"; }

load_tools() {
  "$HACK_DIR/tools.sh" "$@" >&2 || die "hack/tools.sh $* failed"
  local env
  env=$("$HACK_DIR/tools.sh" --print-env "$@") || die "hack/tools.sh --print-env $* failed"
  eval "$env"
}

# ---------------------------------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------------------------------
pid_of() { if [[ -f $PIDS/$1.pid ]]; then cat "$PIDS/$1.pid"; fi; }

# The executable a component's pid must run: recorded by start_as, else the component's name.
exe_of() { if [[ -f $PIDS/$1.exe ]]; then cat "$PIDS/$1.exe"; else printf '%s' "$1"; fi; }

# alive <component>: the recorded pid exists and is that component's binary (guards against pid reuse).
alive() {
  local pid exe
  pid=$(pid_of "$1")
  [[ -n $pid && -d /proc/$pid ]] || return 1
  exe=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | awk '{print $1}') || return 1
  [[ ${exe##*/} == "$(exe_of "$1")" ]]
}

# start <component> <binary> <args...>: detached (own session), pid written by the process itself before exec.
start() { start_as "$1" "$1" "${@:2}"; }

# start_as <component> <executable> <command...>: as start, for a command that ends up exec-ing <executable>
# (e.g. nsenter ... kubelet).
start_as() {
  local name=$1
  printf '%s' "$2" >"$PIDS/$name.exe"
  shift 2
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
  rm -f "$PIDS/$name.pid" "$PIDS/$name.exe"
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

PORT_NAMES=(ETCD_PORT ETCD_PEER_PORT APISERVER_PORT KCM_PORT SCHED_PORT DNS_HEALTH_PORT DNS_READY_PORT)

# Reuses the ports of the previous run when they are all free (keeps etcd's member URLs stable), else picks new ones.
choose_ports() {
  local name ok=1
  if [[ -f $STATE/ports.env ]]; then
    # shellcheck disable=SC1091
    source "$STATE/ports.env"
    for name in "${PORT_NAMES[@]}"; do
      [[ -n ${!name:-} ]] && port_free "${!name}" || ok=0
    done
    ((ok)) && return
    log "ports of the previous run are taken or missing, choosing new ones"
  fi
  read -r "${PORT_NAMES[@]}" < <(free_ports "${#PORT_NAMES[@]}")
  for name in "${PORT_NAMES[@]}"; do printf '%s=%s\n' "$name" "${!name}"; done >"$STATE/ports.env"
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

CLIENT_EXT="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"

# The apiserver's serving cert; with nodes it also names the host's address on the cluster network.
sign_apiserver() {
  local extra=${1:+,IP:$1}
  sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local$extra"
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
  sign_apiserver
  sign admin "/O=system:masters/CN=admin" "$CLIENT_EXT"
  # Client cert the apiserver uses towards aggregated API servers (requestheader auth); also gives the controller-manager's
  # delegated authentication the requestheader CA it looks up.
  sign front-proxy-client "/CN=front-proxy-client" "$CLIENT_EXT"
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  touch "$PKI/.complete"
}

# Certificates only a cluster with nodes needs: the apiserver's SAN for the host address, the apiserver's client cert
# towards kubelets, kube-proxy's, and one per node (system:node:<name>, what the Node authorizer expects).
ensure_node_pki() {
  local n=$1 i
  if ! openssl x509 -in "$PKI/apiserver.crt" -noout -text | grep -q "IP Address:$HOST_IP\(,\|$\)"; then
    log "re-signing the apiserver certificate for $HOST_IP"
    sign_apiserver "$HOST_IP"
  fi
  [[ -f $PKI/apiserver-kubelet-client.crt ]] || sign apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client" "$CLIENT_EXT"
  [[ -f $PKI/kube-proxy.crt ]] || sign kube-proxy "/CN=system:kube-proxy" "$CLIENT_EXT"
  for ((i = 1; i <= n; i++)); do
    [[ -f $PKI/node-$i.crt ]] || sign "node-$i" "/O=system:nodes/CN=system:node:node-$i" "$CLIENT_EXT"
  done
}

# kubeconfig_file <file> <server> <cert name in pki/>
kubeconfig_file() {
  local file=$1 server=$2 cert=$3 tmp=$1.tmp
  cat >"$tmp" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $cert
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$cert.crt")
    client-key-data: $(base64 -w0 <"$PKI/$cert.key")
contexts:
- name: local
  context:
    cluster: local
    user: $cert
    namespace: default
current-context: local
KUBECONFIG
  chmod 600 "$tmp"
  mv "$tmp" "$file"
}

write_kubeconfig() { kubeconfig_file "$KUBECONFIG_FILE" "https://$API_HOST:$APISERVER_PORT" admin; }

# ---------------------------------------------------------------------------------------------------------------------
# Cluster shape: cluster.env records the node count and the network; everything per node derives from them.
# Network of cluster k (1..150): 10.(100+k).0.0/16. Host 10.(100+k).0.1 on veth lc<k>h, whose peer sits on a bridge in
# a private "switch" network namespace; node i at 10.(100+k).0.(10+i) with pod CIDR 10.(100+k).(128+i).0/24.
# ---------------------------------------------------------------------------------------------------------------------
NODES=0
NET_INDEX=
load_cluster() {
  NODES=0
  NET_INDEX=
  if [[ -f $STATE/cluster.env ]]; then
    # shellcheck disable=SC1091
    source "$STATE/cluster.env"
  fi
  set_net
}

set_net() {
  if [[ -n $NET_INDEX ]]; then
    NET=10.$((100 + NET_INDEX))
    HOST_IP=$NET.0.1
    HOST_VETH=lc${NET_INDEX}h
    CLUSTER_CIDR=$NET.128.0/17
    API_HOST=$HOST_IP
  else
    API_HOST=127.0.0.1
  fi
}

save_cluster() { printf 'NODES=%s\nNET_INDEX=%s\n' "$NODES" "$NET_INDEX" >"$STATE/cluster.env"; }

node_ip() { printf '%s.0.%s' "$NET" $((10 + $1)); }
pod_cidr() { printf '%s.%s.0/24' "$NET" $((128 + $1)); }
cgroup_name() { printf 'ferretdb-lc%s-node-%s' "$NET_INDEX" "$1"; }

# The v1 hierarchies (and the unified one, in hybrid mode) kubelet's cgroupfs driver creates pod cgroups in.
cgroup_mounts() { awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo; }

# Host network in use by someone else: an interface of that name, or any address/route in the /16.
net_taken() {
  local k=$1
  ip link show "lc${k}h" >/dev/null 2>&1 && return 0
  ip -4 addr show | grep -q "inet 10\.$((100 + k))\." && return 0
  ip -4 route show | grep -q "^10\.$((100 + k))\." && return 0
  return 1
}

# Picks this cluster's network (the recorded one when free) and creates the switch holding it, under a machine-wide lock.
create_network() {
  local k
  exec 8>"$NET_LOCK"
  flock 8
  if [[ -z $NET_INDEX ]] || net_taken "$NET_INDEX"; then
    NET_INDEX=
    for k in $(seq 1 150); do
      if ! net_taken "$k"; then NET_INDEX=$k; break; fi
    done
    [[ -n $NET_INDEX ]] || die "no free cluster network in 10.101.0.0/16 .. 10.250.0.0/16"
  fi
  set_net
  save_cluster
  # The switch: a network namespace held by a sleeping process, with a bridge joining the host and the nodes.
  start_as switch sleep unshare --net -- sleep infinity
  local sw
  sw=$(pid_of switch)
  ip link add "$HOST_VETH" type veth peer name host netns "$sw" || die "cannot create veth $HOST_VETH"
  nsenter -t "$sw" -n sh -ec 'ip link set lo up; ip link add br0 type bridge; ip link set br0 up
    ip link set host master br0; ip link set host up'
  ip addr add "$HOST_IP/24" dev "$HOST_VETH"
  ip link set "$HOST_VETH" up
  flock -u 8
  exec 8>&-
  log "cluster network $NET.0.0/16 (host $HOST_IP on $HOST_VETH)"
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
    kube-apiserver) [[ $(https_get "https://$API_HOST:$APISERVER_PORT/readyz") == ok ]] ;;
    # /healthz is in the controller-manager's and scheduler's always-allowed paths; they serve self-signed certs.
    kube-controller-manager) [[ $(curl -fsSk --max-time 3 "https://127.0.0.1:$KCM_PORT/healthz" 2>/dev/null) == ok ]] ;;
    kube-scheduler) [[ $(curl -fsSk --max-time 3 "https://127.0.0.1:$SCHED_PORT/healthz" 2>/dev/null) == ok ]] ;;
    coredns) [[ $(curl -fsS --max-time 3 "http://127.0.0.1:$DNS_READY_PORT/ready" 2>/dev/null) == OK ]] ;;
    node-*-kubelet) [[ $(in_node "${1%-kubelet}" curl -fsS --max-time 3 http://127.0.0.1:10248/healthz 2>/dev/null) == ok ]] ;;
    node-*-kube-proxy) in_node "${1%-kube-proxy}" curl -fsS --max-time 3 http://127.0.0.1:10256/healthz >/dev/null 2>&1 ;;
    node-*-containerd) in_node "${1%-containerd}" ctr --address /run/containerd/containerd.sock version >/dev/null 2>&1 ;;
    *) return 0 ;;
  esac
}

# Every component of the recorded cluster shape: control plane, then per node, then add-ons.
all_components() {
  local i c
  printf '%s\n' "${COMPONENTS[@]}"
  ((NODES > 0)) || return 0
  printf '%s\n' kube-scheduler switch
  for ((i = 1; i <= NODES; i++)); do
    for c in "${NODE_COMPONENTS[@]}"; do printf 'node-%s-%s\n' "$i" "$c"; done
  done
  printf '%s\n' "${ADDONS[@]}"
}

all_healthy() {
  load_ports || return 1
  [[ -f $KUBECONFIG_FILE ]] || return 1
  local c
  while read -r c; do
    alive "$c" && healthy "$c" || return 1
  done < <(all_components)
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
kubectl_() { "$KUBECTL" --kubeconfig "$KUBECONFIG_FILE" "$@"; }

print_export() { printf 'export KUBECONFIG=%q\n' "$KUBECONFIG_FILE"; }

# ---------------------------------------------------------------------------------------------------------------------
# Nodes
# ---------------------------------------------------------------------------------------------------------------------
# in_node <node-N> <command...>: runs a command in the node's network and mount namespaces (absolute paths only:
# nsenter resets the working directory).
in_node() {
  local holder
  holder=$(pid_of "$1-ns")
  [[ -n $holder ]] || return 1
  nsenter --mount="/proc/$holder/ns/mnt" --net="/proc/$holder/ns/net" -- "${@:2}"
}

# Records a host directory this script created as a mount point, so that `down` removes it again.
ensure_mount_point() {
  local dir=$1 top=$1
  [[ -d $dir ]] && return
  while [[ ! -d ${top%/*} ]]; do top=${top%/*}; done
  mkdir -p "$dir"
  printf '%s\n' "$top" >>"$STATE/created-dirs"
}

# The per-node files: sysctl values, resolv.conf, CNI, containerd, kubelet and kube-proxy configuration.
write_node_config() {
  local i=$1 nd=$NODES_DIR/node-$1 entry m
  mkdir -p "$nd"/{sysctl,cni/net.d,opt,volume-plugins,storage}
  for entry in "${NODE_MOUNTS[@]}"; do mkdir -p "$nd/${entry#*:}"; done
  for entry in "${KUBELET_SYSCTLS[@]}"; do
    m=${entry%%=*}
    printf '%s\n' "${entry#*=}" >"$nd/sysctl/${m//\//.}"
  done
  # Nothing answers on the node's loopback: image pulls and host-network lookups fail at once instead of leaving
  # the machine. Pods get the cluster DNS from kubelet.
  printf 'nameserver 127.0.0.1\n' >"$nd/resolv.conf"
  cat >"$nd/cni/net.d/10-bridge.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "local-cluster",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$(pod_cidr "$i")" }]], "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
  cat >"$nd/containerd.toml" <<TOML
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$nd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # The machine lacks CAP_SYS_RESOURCE: runc cannot lower oom_score_adj below its own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN_DIR"
    conf_dir = "$nd/cni/net.d"
TOML
  kubeconfig_file "$nd/kubelet.kubeconfig" "https://$HOST_IP:$APISERVER_PORT" "node-$i"
  kubeconfig_file "$nd/kube-proxy.kubeconfig" "https://$HOST_IP:$APISERVER_PORT" kube-proxy
  cat >"$nd/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
address: $(node_ip "$i")
healthzBindAddress: 127.0.0.1
readOnlyPort: 0
containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
# cgroup v1 here: cgroupfs driver, pods nested under a cgroup of this node's own.
cgroupDriver: cgroupfs
failCgroupV1: false
cgroupRoot: /$(cgroup_name "$i")
clusterDNS: [$CLUSTER_DNS]
clusterDomain: cluster.local
resolvConf: $nd/resolv.conf
volumePluginDir: $nd/volume-plugins
failSwapOn: false
serializeImagePulls: false
# The nodes share the machine's disk and memory: evict only when they are really short.
evictionHard: {memory.available: 100Mi, nodefs.available: 2%, imagefs.available: 2%, nodefs.inodesFree: 2%}
imageGCHighThresholdPercent: 98
imageGCLowThresholdPercent: 95
kubeAPIQPS: 50
kubeAPIBurst: 100
YAML
  cat >"$nd/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $nd/kube-proxy.kubeconfig}
hostnameOverride: node-$i
mode: iptables
clusterCIDR: $CLUSTER_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# The conntrack table size and timeouts are VM-wide: leave them alone.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
}

# The node's namespaces: a sleeping holder process in a new network + mount namespace, with a private /run, per-node
# directories over the fixed paths, and files over the sysctls kubelet writes. All of it vanishes with the processes.
create_node_namespaces() {
  local i=$1 nd=$NODES_DIR/node-$1 entry m script
  for entry in "${NODE_MOUNTS[@]}"; do ensure_mount_point "${entry%%:*}"; done
  rm -f "$nd/ns.ready"
  # shellcheck disable=SC2016  # $0 is expanded by the holder's shell: the node dir
  script='set -e; mount -t tmpfs -o mode=0755 local-cluster-run /run; mount --bind "$0/resolv.conf" /etc/resolv.conf'
  for entry in "${NODE_MOUNTS[@]}"; do
    script+="; mount --bind \"\$0/${entry#*:}\" ${entry%%:*}"
  done
  for entry in "${KUBELET_SYSCTLS[@]}"; do
    m=${entry%%=*}
    script+="; mount --bind \"\$0/sysctl/${m//\//.}\" /proc/sys/$m"
  done
  # shellcheck disable=SC2016
  script+='; touch "$0/ns.ready"; exec sleep infinity'
  start_as "node-$i-ns" sleep unshare --net --mount --propagation slave -- sh -c "$script" "$nd"
  wait_for "node-$i namespaces" running_and "node-$i-ns" test -f "$nd/ns.ready" \
    || die "node-$i: namespaces not set up after ${TIMEOUT}s (log: $LOGS/node-$i-ns.log)"
  local holder sw node_veth=lc${NET_INDEX}n$i j
  holder=$(pid_of "node-$i-ns")
  sw=$(pid_of switch)
  ip link add "$node_veth" type veth peer name eth0 netns "$holder" || die "node-$i: cannot create veth $node_veth"
  ip link set "$node_veth" netns "$sw"
  nsenter -t "$sw" -n sh -ec "ip link set $node_veth master br0; ip link set $node_veth up"
  {
    printf 'ip link set lo up; ip addr add %s/24 dev eth0; ip link set eth0 up; ip route add default via %s\n' \
      "$(node_ip "$i")" "$HOST_IP"
    for ((j = 1; j <= NODES; j++)); do
      ((j == i)) || printf 'ip route add %s via %s\n' "$(pod_cidr "$j")" "$(node_ip "$j")"
    done
    # Per network namespace: these do not touch the host's values.
    printf 'sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1\n'
  } | nsenter --net="/proc/$holder/ns/net" sh -e || die "node-$i: network setup failed"
  ip route add "$(pod_cidr "$i")" via "$(node_ip "$i")" dev "$HOST_VETH"
  # Pods nest under a cgroup of this node's own in every hierarchy (cpuset needs its cpus/mems filled in first).
  local root dir
  while read -r root; do
    dir=$root/$(cgroup_name "$i")
    [[ -d $dir ]] || { mkdir "$dir" && printf '%s\n' "$dir" >>"$STATE/cgroups"; }
    if [[ -f $root/cpuset.cpus ]]; then
      cat "$root/cpuset.cpus" >"$dir/cpuset.cpus"
      cat "$root/cpuset.mems" >"$dir/cpuset.mems"
    fi
  done < <(cgroup_mounts)
}

# import_images <node-N>: every *.oci.tar of the images dir into the node's containerd (k8s.io namespace, for the CRI).
import_images() {
  local node=$1 f n=0
  shopt -s nullglob
  for f in "$IMAGES_DIR"/*.oci.tar; do
    in_node "$node" ctr --address /run/containerd/containerd.sock -n k8s.io images import "$f" >>"$LOGS/$node-images.log" 2>&1 \
      || { tail -n 20 "$LOGS/$node-images.log" >&2; die "$node: importing $f failed (log: $LOGS/$node-images.log)"; }
    n=$((n + 1))
  done
  shopt -u nullglob
  in_node "$node" ctr --address /run/containerd/containerd.sock -n k8s.io images ls -q "name==$PAUSE_IMAGE" | grep -q . \
    || die "$node: no $PAUSE_IMAGE image after importing $n archive(s) from $IMAGES_DIR (hack/images.sh writes it; set FERRETDB_OPERATOR_IMAGES to use another dir)"
  log "$node: imported $n image archive(s) from $IMAGES_DIR"
}

start_node() {
  local i=$1 images=${2:-import} nd=$NODES_DIR/node-$1 holder
  holder=$(pid_of "node-$i-ns")
  local -a enter=(nsenter --mount="/proc/$holder/ns/mnt" --net="/proc/$holder/ns/net" --)
  start_as "node-$i-containerd" containerd "${enter[@]}" "$(command -v containerd)" --config "$nd/containerd.toml"
  wait_for "node-$i containerd" running_and "node-$i-containerd" healthy "node-$i-containerd" \
    || die "node-$i: containerd not answering after ${TIMEOUT}s (log: $LOGS/node-$i-containerd.log)"
  [[ $images == keep ]] || import_images "node-$i"
  start_as "node-$i-kubelet" kubelet "${enter[@]}" "$KUBELET" --config="$nd/kubelet.yaml" \
    --kubeconfig="$nd/kubelet.kubeconfig" --hostname-override="node-$i" --node-ip="$(node_ip "$i")"
  start_as "node-$i-kube-proxy" kube-proxy "${enter[@]}" "$KUBE_PROXY" --config="$nd/kube-proxy.yaml"
}

node_ready() {
  [[ $(kubectl_ get node "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]
}

nodes_ready() {
  local i
  for ((i = 1; i <= NODES; i++)); do
    alive "node-$i-kubelet" || return 2
    node_ready "node-$i" || return 1
  done
}

node_failure() {
  local i=$1 c
  for c in kubelet containerd kube-proxy; do
    log "node-$i: last lines of $LOGS/node-$i-$c.log:"
    tail -n 25 "$LOGS/node-$i-$c.log" >&2 || true
  done
  die "node-$i did not become Ready within ${NODE_TIMEOUT}s"
}

# Kills every process left in a node: containers (in its cgroups) and the shims (in its mount namespace).
kill_node_processes() {
  local i=$1 mntns="" pass pids p root dir
  [[ -f $PIDS/node-$i-ns.mnt ]] && mntns=$(cat "$PIDS/node-$i-ns.mnt")
  for pass in $(seq 50); do
    pids=()
    while read -r root; do
      dir=$root/ferretdb-lc${NET_INDEX}-node-$i
      [[ -d $dir ]] || continue
      while read -r p; do pids+=("$p"); done < <(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null)
    done < <(cgroup_mounts)
    if [[ -n $mntns ]]; then
      for p in /proc/[0-9]*; do
        [[ $(readlink "$p/ns/mnt" 2>/dev/null) == "$mntns" && ${p#/proc/} != "$(pid_of "node-$i-ns")" ]] && pids+=("${p#/proc/}")
      done
    fi
    ((${#pids[@]})) || return 0
    mapfile -t pids < <(printf '%s\n' "${pids[@]}" | sort -un) # a process is in every hierarchy
    ((pass == 1)) && log "node-$i: killing ${#pids[@]} leftover process(es) (containers, shims)"
    kill -KILL "${pids[@]}" 2>/dev/null || true
    sleep 0.1
  done
  die "node-$i: processes survive KILL: ${pids[*]}"
}

remove_node() {
  local i=$1
  stop "node-$i-kube-proxy"
  stop "node-$i-kubelet"
  stop "node-$i-containerd"
  kill_node_processes "$i"
  stop "node-$i-ns"
  rm -f "$PIDS/node-$i-ns.mnt"
}

remove_cgroups() {
  [[ -f $STATE/cgroups ]] || return 0
  local dir
  while read -r dir; do
    [[ -d $dir ]] || continue
    # Depth first; kubelet's pod cgroups are below ours.
    find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
    [[ -d $dir ]] && log "WARNING: cgroup $dir is still there (processes left in it?)"
  done < <(sort -ru "$STATE/cgroups")
  rm -f "$STATE/cgroups"
}

remove_created_dirs() {
  [[ -f $STATE/created-dirs ]] || return 0
  local dir
  while read -r dir; do
    # Only when empty: another local cluster (or something else) may be using it by now.
    [[ -d $dir ]] && find "$dir" -depth -type d -empty -delete 2>/dev/null
    [[ -d $dir ]] && log "kept $dir: not empty"
  done < <(sort -ru "$STATE/created-dirs")
  rm -f "$STATE/created-dirs"
}

# Everything with nodes, in reverse order of creation. Safe to run on a partial or already stopped cluster.
teardown() {
  local i
  stop local-path-provisioner
  stop coredns
  for ((i = NODES; i >= 1; i--)); do remove_node "$i"; done
  stop switch # the switch's veth peers, the host's veth and its routes go with its network namespace
  if [[ -n ${HOST_VETH:-} ]] && ip link show "$HOST_VETH" >/dev/null 2>&1; then
    ip link delete "$HOST_VETH" || log "WARNING: could not delete $HOST_VETH"
  fi
  remove_cgroups
  remove_created_dirs
  stop kube-scheduler
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop "${COMPONENTS[i]}"; done
}

# ---------------------------------------------------------------------------------------------------------------------
# Add-ons on the host: CoreDNS behind Service kube-dns, local-path-provisioner
# ---------------------------------------------------------------------------------------------------------------------
start_coredns() {
  cat >"$STATE/Corefile" <<COREFILE
.:1053 {
  bind $HOST_IP
  errors
  health 127.0.0.1:$DNS_HEALTH_PORT
  ready 127.0.0.1:$DNS_READY_PORT
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    kubeconfig $KUBECONFIG_FILE local
    pods insecure
    fallthrough in-addr.arpa ip6.arpa
  }
  cache 30
  loadbalance
}
COREFILE
  # No `forward`: names outside the cluster get no answer rather than a query leaving the machine.
  kubectl_ apply -f - >/dev/null <<YAML || die "cannot create Service kube-system/kube-dns"
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns}
spec:
  clusterIP: $CLUSTER_DNS
  ports:
  - {name: dns, port: 53, targetPort: 1053, protocol: UDP}
  - {name: dns-tcp, port: 53, targetPort: 1053, protocol: TCP}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kube-dns-host
  namespace: kube-system
  labels: {kubernetes.io/service-name: kube-dns, endpointslice.kubernetes.io/managed-by: local-cluster.sh}
addressType: IPv4
endpoints:
- addresses: [$HOST_IP]
  conditions: {ready: true}
ports:
- {name: dns, port: 1053, protocol: UDP}
- {name: dns-tcp, port: 1053, protocol: TCP}
YAML
  start coredns "$COREDNS" -conf "$STATE/Corefile"
}

start_local_path_provisioner() {
  local i paths="" usr_mounts="" volumes="" d
  for ((i = 1; i <= NODES; i++)); do
    paths+="${paths:+,}{\"node\":\"node-$i\",\"paths\":[\"$NODES_DIR/node-$i/storage\"]}"
  done
  # The helper pod that creates and deletes volume directories runs the pause image with the host's /usr (read-only)
  # for a shell: no busybox image needed.
  for d in /usr /usr/bin:/bin /usr/lib:/lib /usr/lib64:/lib64; do
    [[ -d ${d%%:*} ]] || continue
    i=$(printf '%s' "${d#*:}" | tr -c 'a-z0-9\n' '-')
    usr_mounts+="
        - {name: host${i}, mountPath: ${d#*:}, readOnly: true}"
    volumes+="
      - {name: host${i}, hostPath: {path: ${d%%:*}, type: Directory}}"
  done
  kubectl_ apply -f - >/dev/null <<YAML || die "cannot install local-path-provisioner's objects"
apiVersion: v1
kind: Namespace
metadata: {name: local-path-storage}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: local-path-provisioner-service-account, namespace: local-path-storage}
automountServiceAccountToken: false
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-path
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
---
apiVersion: v1
kind: ConfigMap
metadata: {name: local-path-config, namespace: local-path-storage}
data:
  config.json: '{"nodePathMap":[$paths]}'
  setup: |-
    #!/bin/sh
    set -eu
    mkdir -m 0777 -p "\$VOL_DIR"
  teardown: |-
    #!/bin/sh
    set -eu
    rm -rf "\$VOL_DIR"
  helperPod.yaml: |-
    apiVersion: v1
    kind: Pod
    metadata: {name: helper-pod}
    spec:
      securityContext: {runAsUser: 0}
      containers:
      - name: helper-pod
        image: $PAUSE_IMAGE
        imagePullPolicy: Never
        env: [{name: PATH, value: /usr/bin:/bin}]
        volumeMounts:$usr_mounts
      volumes:$volumes
YAML
  start local-path-provisioner "$LOCAL_PATH_PROVISIONER" --debug start --kubeconfig "$KUBECONFIG_FILE" \
    --namespace local-path-storage --configmap-name local-path-config \
    --service-account-name local-path-provisioner-service-account --helper-image "$PAUSE_IMAGE"
}

# ---------------------------------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------------------------------
CNI_BIN_DIR=/usr/lib/cni

node_prerequisites() {
  [[ $(id -u) == 0 ]] || die "real nodes need root (network and mount namespaces, cgroups); use --nodes 0 for the node-less control plane"
  local c
  for c in containerd containerd-shim-runc-v2 ctr runc iptables ip nsenter unshare flock mount; do
    command -v "$c" >/dev/null || die "$c is required for nodes but not installed (run hack/install-deps.sh)"
  done
  [[ -x $CNI_BIN_DIR/bridge && -x $CNI_BIN_DIR/host-local && -x $CNI_BIN_DIR/loopback && -x $CNI_BIN_DIR/portmap ]] \
    || die "CNI plugins missing in $CNI_BIN_DIR (run hack/install-deps.sh: Debian package containernetworking-plugins)"
  [[ -d /proc/sys/net/bridge ]] || die "the kernel has no br_netfilter (/proc/sys/net/bridge is missing)"
  cgroup_mounts | grep -q . || die "no cgroup hierarchy mounted"
}

cmd_up() {
  local want=${LOCAL_CLUSTER_NODES:-1}
  while (($#)); do
    case $1 in
      --nodes) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--nodes needs a number"; want=$2; shift ;;
      --nodes=*) want=${1#--nodes=} ;;
      *) die "usage: $0 up [--nodes N]" ;;
    esac
    shift
  done
  if ! [[ $want =~ ^[0-9]+$ ]] || ((want > 100)); then die "node count must be 0..100, got '$want'"; fi
  need curl
  mkdir -p "$STATE" "$LOGS" "$PIDS"
  load_cluster
  if all_healthy; then
    if ((NODES == want)); then
      log "already up with $NODES node(s) (state: $STATE)"
      print_export
      return
    fi
    die "already up with $NODES node(s), not $want: run '$0 down' first"
  fi
  ((want == 0)) || node_prerequisites
  local -a tools=(kubernetes etcd)
  ((want == 0)) || tools+=(coredns local-path-provisioner)
  load_tools "${tools[@]}"
  # Whatever is left of an earlier, partial run is stopped; the data dir and certificates are kept.
  teardown
  NODES=$want
  ((NODES > 0)) || NET_INDEX=
  set_net
  save_cluster
  ensure_pki
  choose_ports
  START=$SECONDS
  DEADLINE=$((SECONDS + TIMEOUT))
  if ((NODES > 0)); then
    create_network
    ensure_node_pki "$NODES"
  fi
  write_kubeconfig

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

  # --endpoint-reconciler-type=none: the endpoints of the `kubernetes` Service are written below (with nodes) instead;
  # the apiserver's own reconciler logs that 127.0.0.1 "may not be in the loopback range", and with nodes it makes
  # TERM hang for 20 s (removing its endpoints on shutdown times out).
  local -a apiserver_flags=(--endpoint-reconciler-type=none)
  if ((NODES > 0)); then
    # Nodes reach the apiserver on the host's cluster-network address, which is also the `kubernetes` Service's
    # endpoint for pods. The apiserver reaches kubelets at their InternalIP (node names do not resolve), and webhook
    # and aggregated API services at their endpoints (the host has no kube-proxy).
    apiserver_flags+=(--kubelet-preferred-address-types=InternalIP
      --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key"
      --enable-aggregator-routing=true)
  fi
  start kube-apiserver "$KUBE_APISERVER" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address="$API_HOST" --advertise-address="$API_HOST" --secure-port="$APISERVER_PORT" \
    --cert-dir="$STATE/apiserver-certs" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --allow-privileged=true \
    --requestheader-client-ca-file="$PKI/ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
    "${apiserver_flags[@]}"
  wait_for "kube-apiserver /readyz on $API_HOST:$APISERVER_PORT" running_and kube-apiserver healthy kube-apiserver \
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
  if ((NODES == 0)); then
    log "up: apiserver https://127.0.0.1:$APISERVER_PORT, etcd http://127.0.0.1:$ETCD_PORT, no nodes, state $STATE"
    print_export
    return
  fi

  start kube-scheduler "$KUBE_SCHEDULER" \
    --kubeconfig="$KUBECONFIG_FILE" \
    --authentication-kubeconfig="$KUBECONFIG_FILE" --authorization-kubeconfig="$KUBECONFIG_FILE" \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port="$SCHED_PORT"
  # Pods reach the API at the `kubernetes` Service (10.0.0.1:443) through this slice.
  kubectl_ apply -f - >/dev/null <<YAML || die "cannot create the endpoints of Service default/kubernetes"
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kubernetes-host
  namespace: default
  labels: {kubernetes.io/service-name: kubernetes, endpointslice.kubernetes.io/managed-by: local-cluster.sh}
addressType: IPv4
endpoints:
- addresses: [$HOST_IP]
  conditions: {ready: true}
ports:
- {name: https, port: $APISERVER_PORT, protocol: TCP}
YAML
  # kubectl logs/exec: the apiserver's client identity towards kubelets.
  kubectl_ create clusterrolebinding kube-apiserver-kubelet-client --clusterrole=system:kubelet-api-admin \
    --user=kube-apiserver-kubelet-client --dry-run=client -o yaml | kubectl_ apply -f - >/dev/null \
    || die "cannot bind kube-apiserver-kubelet-client to system:kubelet-api-admin"
  wait_for "kube-scheduler /healthz on 127.0.0.1:$SCHED_PORT" running_and kube-scheduler healthy kube-scheduler \
    || die "kube-scheduler not healthy after ${TIMEOUT}s (log: $LOGS/kube-scheduler.log)"

  local i
  for ((i = 1; i <= NODES; i++)); do
    write_node_config "$i"
    create_node_namespaces "$i"
    readlink "/proc/$(pid_of "node-$i-ns")/ns/mnt" >"$PIDS/node-$i-ns.mnt"
  done
  # The host reaches ClusterIP Services through node-1's kube-proxy (it masquerades sources outside clusterCIDR, so
  # replies come back the same way): clients on this machine, tests included, use the Services as pods do.
  # The route goes with the host's veth on `down`.
  if ip -4 route show "$SERVICE_CIDR" | grep -q .; then
    log "the host already routes $SERVICE_CIDR; ClusterIPs are not reachable from the host"
  else
    ip route add "$SERVICE_CIDR" via "$(node_ip 1)" dev "$HOST_VETH" || die "cannot route $SERVICE_CIDR via node-1"
  fi
  for ((i = 1; i <= NODES; i++)); do start_node "$i"; done
  start_coredns
  start_local_path_provisioner

  DEADLINE=$((SECONDS + NODE_TIMEOUT))
  local rc=0
  until nodes_ready; do
    rc=$?
    if ((rc == 2 || SECONDS >= DEADLINE)); then
      for ((i = 1; i <= NODES; i++)); do
        if ! alive "node-$i-kubelet" || ! node_ready "node-$i"; then node_failure "$i"; fi
      done
    fi
    sleep 0.5
  done
  log "$NODES node(s) Ready ($((SECONDS - START))s)"
  wait_for "coredns /ready on 127.0.0.1:$DNS_READY_PORT" running_and coredns healthy coredns \
    || die "coredns not ready (log: $LOGS/coredns.log)"
  running_and local-path-provisioner true
  log "up: $NODES node(s), apiserver https://$API_HOST:$APISERVER_PORT, state $STATE ($((SECONDS - START))s)"
  print_export
}

cmd_down() {
  local purge=0
  case ${1:-} in
    --purge) purge=1 ;;
    "") ;;
    *) die "usage: $0 down [--purge]" ;;
  esac
  if [[ -d $PIDS ]]; then
    load_cluster
    teardown
  fi
  if ((purge)); then
    log "removing $STATE"
    rm -rf "$STATE"
  fi
  log "down"
}

cmd_load_images() {
  load_cluster
  ((NODES > 0)) || die "no nodes recorded in $STATE (nothing to load images into)"
  local i
  for ((i = 1; i <= NODES; i++)); do
    alive "node-$i-containerd" || die "node-$i's containerd is not running (hack/local-cluster.sh up first)"
    import_images "node-$i"
  done
}

node_arg() {
  [[ ${1:-} =~ ^[1-9][0-9]*$ ]] && (($1 <= NODES)) || die "usage: $0 $2 N (a node number from 1 to $NODES)"
}

# The node's end of its link to the switch (the other end is eth0 in the node's network namespace).
node_link() {
  local sw
  sw=$(pid_of switch)
  [[ -n $sw ]] || die "no switch recorded in $STATE (is the cluster up?)"
  nsenter -t "$sw" -n ip link set "lc${NET_INDEX}n$1" "$2" || die "node-$1: cannot set lc${NET_INDEX}n$1 $2"
}

cmd_node_stop() {
  load_cluster
  node_arg "${1:-}" node-stop
  local i=$1
  [[ -n $(pid_of "node-$i-ns") ]] || die "node-$i has no namespaces recorded"
  node_link "$i" down
  # One SIGKILL pass over everything in the node's mount namespace and cgroups: kubelet, kube-proxy, containerd, the
  # shims and the containers all die together, as at a power loss.
  kill_node_processes "$i"
  # What a lost node means, checked rather than assumed: no agent left, the link down.
  local c sw
  for c in kubelet kube-proxy containerd; do
    ! alive "node-$i-$c" || die "node-$i's $c survived node-stop"
  done
  sw=$(pid_of switch)
  nsenter -t "$sw" -n ip -o link show "lc${NET_INDEX}n$i" | grep -q 'state DOWN' \
    || die "node-$i's link lc${NET_INDEX}n$i is not down"
  log "node-$i stopped: network cut, every process killed"
}

cmd_node_start() {
  load_cluster
  node_arg "${1:-}" node-start
  local i=$1
  alive "node-$i-kubelet" && die "node-$i's kubelet is running (node-stop $i first)"
  load_tools kubernetes
  # What an earlier, interrupted node-start left running
  stop "node-$i-kube-proxy"
  stop "node-$i-containerd"
  START=$SECONDS
  DEADLINE=$((SECONDS + TIMEOUT))
  node_link "$i" up
  start_node "$i" keep
  log "node-$i started"
}

cmd_status() {
  local ok=0 c pid state health where
  load_ports || { log "not set up (no $STATE/ports.env)"; return 1; }
  load_cluster
  while read -r c; do
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
      etcd) where=127.0.0.1:$ETCD_PORT ;;
      kube-apiserver) where=$API_HOST:$APISERVER_PORT ;;
      kube-controller-manager) where=127.0.0.1:$KCM_PORT ;;
      kube-scheduler) where=127.0.0.1:$SCHED_PORT ;;
      coredns) where="$HOST_IP:1053 (Service kube-system/kube-dns $CLUSTER_DNS:53)" ;;
      switch) where="$NET.0.0/16 host $HOST_IP ($HOST_VETH)" ;;
      node-*-kubelet) where=$(node_ip "$(printf '%s' "$c" | cut -d- -f2)"):10250 ;;
      *) where= ;;
    esac
    printf '%-28s %-18s %-10s %s\n' "$c" "$state" "$health" "$where"
  done < <(all_components)
  printf 'kubeconfig: %s\n' "$KUBECONFIG_FILE"
  if ((NODES > 0)) && [[ -n ${KUBECTL:-} || -x ${FERRETDB_OPERATOR_TOOLS:-$HOME/.cache/ferretdb-operator/tools}/bin/kubectl ]]; then
    KUBECTL=${KUBECTL:-${FERRETDB_OPERATOR_TOOLS:-$HOME/.cache/ferretdb-operator/tools}/bin/kubectl}
    kubectl_ get nodes -o wide 2>&1 || ok=1
  fi
  return $ok
}

case ${1:-} in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  status) shift; cmd_status "$@" ;;
  load-images) shift; cmd_load_images "$@" ;;
  node-stop) shift; cmd_node_stop "$@" ;;
  node-start) shift; cmd_node_start "$@" ;;
  env) load_cluster; print_export ;;
  -h | --help | help) sed -n '3,34p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) sed -n '3,34p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

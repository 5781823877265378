#!/usr/bin/env bash
# shellcheck disable=SC2016  # the single-quoted scripts run inside the containers
# Checks the archives that hack/images.sh wrote with real tools: `skopeo inspect` reads each one, then a private
# containerd (its own config, root, state and socket under a temporary directory; stopped and removed at the end)
# imports it with `ctr -n k8s.io images import` and runs a smoke command in it:
#   pause        /pause --version
#   busybox      sh -c 'echo ...'
#   postgres-*   postgres --version; as uid 999: initdb into a tmpfs, pg_ctl start -w, pg_controldata, pg_ctl stop;
#                pg_basebackup and pg_rewind present
#   ferretdb     /ferretdb --version, as uid 1000
#   operator     java -version (Java 25, the jlink'd runtime: no java.desktop); the image's entrypoint in coordinator
#                mode (starts Quarkus, then exits 2 on the missing pod environment), as the image's user, timed: with its
#                AOT cache required (-XX:AOTMode=on: a cache the JVM cannot map fails) and without it
#
#   hack/verify-images.sh [name...]    default: every *.oci.tar in the images directory
#
# Needs root and Debian's containerd, runc and skopeo (installed when missing).
set -euo pipefail

IMAGES=${FERRETDB_OPERATOR_IMAGES:-$HOME/.cache/ferretdb-operator/images}
TIMEOUT=${VERIFY_TIMEOUT:-30}

log() { printf '[verify-images] %s\n' "$*" >&2; }
die() { printf '[verify-images] ERROR: %s\n' "$*" >&2; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  log "installing $2 (for $1)"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$2" >&2 || die "apt-get install $2 failed"
}

[[ $(id -u) == 0 ]] || die "run as root (containerd needs it)"
need containerd containerd
need runc runc
need skopeo skopeo

names=("$@")
if ((${#names[@]} == 0)); then
  for f in "$IMAGES"/*.oci.tar; do
    [[ -e $f ]] || die "no *.oci.tar in $IMAGES (run hack/images.sh)"
    f=${f##*/}
    names+=("${f%.oci.tar}")
  done
fi

TMP=$(mktemp -d /tmp/verify-images.XXXXXX)
SOCK=$TMP/containerd.sock
CONTAINERD_PID=
cleanup() {
  if [[ -n $CONTAINERD_PID ]]; then
    kill "$CONTAINERD_PID" 2>/dev/null || true
    wait "$CONTAINERD_PID" 2>/dev/null || true
  fi
  # Snapshot mounts left by a failed run.
  { grep -o " $TMP/[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

cat >"$TMP/config.toml" <<EOF
version = 2
root = "$TMP/root"
state = "$TMP/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
EOF
containerd --config "$TMP/config.toml" >"$TMP/containerd.log" 2>&1 &
CONTAINERD_PID=$!
ctr_() { ctr --address "$SOCK" --namespace k8s.io "$@"; }
deadline=$((SECONDS + TIMEOUT))
until ctr_ version >/dev/null 2>&1; do
  kill -0 "$CONTAINERD_PID" 2>/dev/null || die "containerd exited: $(tail -5 "$TMP/containerd.log")"
  ((SECONDS < deadline)) || die "containerd did not answer on $SOCK within $TIMEOUT s"
  sleep 0.2
done
log "containerd $(ctr_ version | awk '/Server:/ {s=1} s && /Version:/ {print $2; exit}') on $SOCK"

RUN=0
# run <image-ref> [ctr run options...] -- <argv...>: runs argv in a fresh container and prints its output.
run() {
  local ref=$1 opts=()
  shift
  while [[ $1 != -- ]]; do opts+=("$1"); shift; done
  shift
  RUN=$((RUN + 1))
  ctr_ run --rm "${opts[@]}" "$ref" "verify-$RUN" "$@"
}

failures=0
fail() { log "FAIL: $*"; failures=$((failures + 1)); }

for name in "${names[@]}"; do
  archive=$IMAGES/$name.oci.tar
  [[ -f $archive ]] || { fail "$name: no $archive"; continue; }
  mapfile -t refs <"$IMAGES/$name.ref"
  ref=${refs[0]}
  skopeo inspect "oci-archive:$archive:${ref##*:}" >"$TMP/inspect.json" || { fail "$name: skopeo inspect"; continue; }
  log "$name: skopeo: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["Digest"], len(d["Layers"]), "layer(s)")' "$TMP/inspect.json")"
  ctr_ images import "$archive" >/dev/null || { fail "$name: ctr images import"; continue; }
  for r in "${refs[@]}"; do
    ctr_ images ls -q | grep -qxF "$r" || fail "$name: $r is not among the imported images"
  done
  case $name in
    pause)
      run "$ref" -- /pause --version || fail "$name: /pause --version" ;;
    busybox)
      run "$ref" -- sh -c 'echo "busybox sh works; uid $(id -u)"' || fail "$name: sh" ;;
    postgres-*)
      run "$ref" -- postgres --version || fail "$name: postgres --version"
      run "$ref" --mount type=tmpfs,src=tmpfs,dst=/tmp,options=rw:mode=1777 -- bash -euc '
        id
        for p in initdb pg_ctl pg_basebackup pg_rewind pg_controldata postgres; do command -v "$p" >/dev/null; done
        initdb -D /tmp/data -U postgres --auth=trust >/tmp/initdb.log || { cat /tmp/initdb.log; exit 1; }
        pg_ctl -D /tmp/data -l /tmp/server.log -o "-k /tmp -c listen_addresses=" -w start >/dev/null
        pg_controldata /tmp/data | grep -E "^(pg_control version|Database cluster state)"
        pg_ctl -D /tmp/data -m fast -w stop >/dev/null
        echo "initdb, pg_ctl start/stop as $(id -un) (LANG=$LANG, PG_MAJOR=$PG_MAJOR) into a tmpfs: ok"
      ' || fail "$name: initdb/pg_ctl as uid 999" ;;
    ferretdb)
      run "$ref" -- /ferretdb --version || fail "$name: /ferretdb --version" ;;
    operator)
      out=$(run "$ref" -- java -version 2>&1) || fail "$name: java -version"
      printf '%s\n' "$out" | head -1 >&2
      [[ $out == *'version "25'* ]] || fail "$name: java -version is not Java 25"
      mods=$(run "$ref" -- java --list-modules 2>&1) || fail "$name: java --list-modules"
      [[ $mods == *java.sql@* && $mods != *java.desktop@* ]] || fail "$name: not the jlink'd runtime (modules: ${mods//$'\n'/ })"
      mapfile -t entrypoint < <(python3 -c 'import json,sys; [print(a) for a in json.load(open(sys.argv[1]))["config"]["Entrypoint"]]' \
        <(skopeo inspect --config "oci-archive:$archive:${ref##*:}"))
      with_aot=() without_aot=()
      for a in "${entrypoint[@]}"; do
        if [[ $a == -XX:AOTCache=* ]]; then with_aot+=(-XX:AOTMode=on "$a"); else with_aot+=("$a") without_aot+=("$a"); fi
      done
      [[ ${#with_aot[@]} -gt ${#entrypoint[@]} ]] || fail "$name: the entrypoint has no -XX:AOTCache"
      for variant in with-aot-cache without-aot-cache; do
        if [[ $variant == with-aot-cache ]]; then argv=("${with_aot[@]}"); else argv=("${without_aot[@]}"); fi
        set +e
        # As the image's user, 185 (ctr 1.6 has no --user to try the sidecar's 999; the archive is world-readable).
        out=$(run "$ref" --mount type=tmpfs,src=tmpfs,dst=/tmp,options=rw:mode=1777 -- bash -c \
          'TIMEFORMAT="%R s wall, %U s user, %S s sys"; echo "uid $(id -u)"; time "$@" coordinator' bash "${argv[@]}" 2>&1)
        rc=$?
        set -e
        printf '%s\n' "$out" | tail -4 >&2
        # Exit code 2 and the configuration message: Quarkus started and the coordinator looked for its pod.
        [[ $rc == 2 && $out == *"pg-coordinator configuration:"* && $out == *"s wall"* ]] \
          || fail "$name: the entrypoint in coordinator mode ($variant) exited $rc"
      done ;;
  esac
done
((failures == 0)) || die "$failures check(s) failed"
log "all checks passed: ${names[*]}"

#!/usr/bin/env bash
# shellcheck disable=SC2317  # functions are called indirectly (build_<name>, wait_for ... <cmd>)
# Builds pinned developer/test tools from the Go module proxy into a cache outside the work tree.
#
#   hack/tools.sh [tool...]     build the named tools (default: all); a tool can also be named by one of its binaries
#   hack/tools.sh --print-env [tool...]
#                               print `export` lines for the built binaries (builds nothing; fails if a named tool is
#                               missing, only warns about missing ones when no tool is named)
#   hack/tools.sh --list        list the known tools and their pinned versions
#
# Cache layout: ${FERRETDB_OPERATOR_TOOLS:-$HOME/.cache/ferretdb-operator/tools}/<name>-<version>/<binary>
#               .../tools/bin/<binary> -> ../<name>-<version>/<binary>   (FERRETDB_OPERATOR_TOOLS_BIN)
# GOMODCACHE and GOCACHE are left at the go defaults (~/go/pkg/mod, ~/.cache/go-build) so they persist between runs.
#
# Adding a tool: register it with `tool <name> <version> <binary-path>...` below and write `build_<name> <dest-dir> <version>`
# (the function puts its binaries into <dest-dir>; dashes in <name> become underscores in the function name).
set -euo pipefail

TOOLS_DIR=${FERRETDB_OPERATOR_TOOLS:-$HOME/.cache/ferretdb-operator/tools}
BIN_DIR=$TOOLS_DIR/bin
# Bump when a build recipe changes in a way that should invalidate already-built tools.
RECIPE_REVISION=1

# ---------------------------------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------------------------------
TOOLS=()
declare -A TOOL_VERSION=() TOOL_BINARIES=()

# tool <name> <version> <binary path relative to the tool dir>...
tool() {
  local name=$1 version=$2
  shift 2
  TOOLS+=("$name")
  TOOL_VERSION[$name]=$version
  TOOL_BINARIES[$name]="$*"
}

tool kubernetes v1.34.2 kube-apiserver kube-controller-manager kubectl kube-scheduler kubelet kube-proxy
tool etcd       v3.6.16 etcd
tool helm       v3.19.5 helm
tool ferretdb   v1.24.2 ferretdb
tool patroni    4.1.5   bin/patroni bin/patronictl

# More tools, each in its own file: `tool` lines plus their build_<name> functions.
for tools_d_file in "$(dirname "${BASH_SOURCE[0]}")"/tools.d/*.sh; do
  # shellcheck disable=SC1090
  [[ -e $tools_d_file ]] && source "$tools_d_file"
done

# ---------------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------------
log() { printf '[tools] %s\n' "$*" >&2; }
die() { printf '[tools] ERROR: %s\n' "$*" >&2; exit 1; }

tool_dir() { printf '%s/%s-%s' "$TOOLS_DIR" "$1" "${TOOL_VERSION[$1]}"; }

# Environment variable for a binary: kube-controller-manager -> KUBE_CONTROLLER_MANAGER
env_name() {
  local base=${1##*/}
  base=${base//-/_}
  base=${base//./_}
  printf '%s' "${base^^}"
}

stamp_content() { printf '%s %s recipe=%s\n' "$1" "$2" "$RECIPE_REVISION"; }

# want <name> <version>: succeeds (0) when the tool still has to be built, fails (1) when it is present:
# every binary is an executable file and the stamp file matches name, version and recipe revision.
want() {
  local name=$1 version=$2 dir bin
  dir=$TOOLS_DIR/$name-$version
  [[ -f $dir/.stamp && "$(cat "$dir/.stamp")" == "$(stamp_content "$name" "$version")" ]] || return 0
  for bin in ${TOOL_BINARIES[$name]}; do
    [[ -x $dir/$bin ]] || return 0
  done
  return 1
}

GO_BIN=
find_go() {
  if [[ -n $GO_BIN ]]; then return; fi
  GO_BIN=${GO:-$(command -v go || true)}
  if [[ -z $GO_BIN && -x /usr/local/go/bin/go ]]; then GO_BIN=/usr/local/go/bin/go; fi
  [[ -n $GO_BIN && -x $GO_BIN ]] || die "go not found (install Go >= 1.24, put it on PATH or set GO=/path/to/go)"
  log "using $("$GO_BIN" version) ($GO_BIN)"
}

go_() { "$GO_BIN" "$@"; }

# Creates a throwaway module in a fresh temp dir and cds into it. Prints nothing.
throwaway_module() {
  local dir
  dir=$(mktemp -d "$TOOLS_DIR/.work/$1.XXXXXX")
  cd "$dir"
  go_ mod init "ferretdb-operator.invalid/tools/$1" >/dev/null 2>&1 || die "go mod init failed in $dir"
}

# ---------------------------------------------------------------------------------------------------------------------
# Build functions: build_<name> <dest-dir> <version>; run in a subshell, may cd freely.
# ---------------------------------------------------------------------------------------------------------------------

# kube-apiserver, kube-controller-manager, kubectl, and for real nodes kube-scheduler, kubelet, kube-proxy, from
# k8s.io/kubernetes (one `go build`: they share most packages).
# k8s.io/kubernetes requires its staging modules at v0.0.0 and maps them to ./staging via replace directives, which
# a consumer module ignores. So: a throwaway module with one `replace k8s.io/X => k8s.io/X v0.<minor>.<patch>` per
# staging module, derived from the .mod file that the proxy serves.
build_kubernetes() {
  local dest=$1 version=$2 modfile staging_version minor line name
  staging_version=v0.${version#v1.}
  minor=${version#v1.}
  minor=${minor%%.*}
  throwaway_module kubernetes
  modfile=$(go_ list -m -f '{{.GoMod}}' "k8s.io/kubernetes@$version") || die "cannot resolve k8s.io/kubernetes@$version"
  local -a edits=()
  line=$(awk '$1 == "go" { print $2; exit }' "$modfile")
  [[ -n $line ]] && edits+=("-go=$line")
  while read -r line; do
    edits+=("-godebug=$line")
  done < <(awk '$1 == "godebug" && $2 != "(" { print $2 }' "$modfile")
  local n=0
  while read -r name; do
    edits+=("-replace=$name=$name@$staging_version")
    n=$((n + 1))
  done < <(awk '$1 ~ /^k8s\.io\/[^ ]+$/ && $2 == "v0.0.0" { print $1 }' "$modfile" | sort -u)
  ((n > 0)) || die "found no k8s.io/* v0.0.0 requirements in $modfile"
  log "kubernetes: $n staging modules replaced with $staging_version"
  go_ mod edit "${edits[@]}" || die "go mod edit failed"
  local -a pkgs=(k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy)
  go_ get "${pkgs[@]/%/@$version}" || die "go get k8s.io/kubernetes@$version failed"
  local ld="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ld+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  log "kubernetes: go build ${pkgs[*]##*/} (slow on a cold cache)"
  CGO_ENABLED=0 go_ build -trimpath -ldflags "$ld" -o "$dest/" "${pkgs[@]}" || die "go build of kubernetes $version failed"
}

# etcd server; go install is refused because server/go.mod has replace directives, a throwaway module ignores them.
build_etcd() {
  local dest=$1 version=$2
  throwaway_module etcd
  go_ get "go.etcd.io/etcd/server/v3@$version" || die "go get go.etcd.io/etcd/server/v3@$version failed"
  CGO_ENABLED=0 go_ build -trimpath -ldflags "-s -w" -o "$dest/etcd" go.etcd.io/etcd/server/v3 \
    || die "go build of etcd $version failed"
}

build_helm() {
  local dest=$1 version=$2
  throwaway_module helm
  go_ get "helm.sh/helm/v3/cmd/helm@$version" || die "go get helm.sh/helm/v3/cmd/helm@$version failed"
  CGO_ENABLED=0 go_ build -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
    -o "$dest/helm" helm.sh/helm/v3/cmd/helm || die "go build of helm $version failed"
}

# FerretDB 1.x, the version the HA harness and the failover benchmark put in front of PostgreSQL.
# `go install` builds it but the binary panics at start: build/version/version.txt is generated upstream and missing
# from the module zip (FerretDB#2982). So: copy the module source, write version.txt, build with -buildvcs=false.
build_ferretdb() {
  local dest=$1 version=$2 src
  throwaway_module ferretdb
  src=$(go_ mod download -json "github.com/FerretDB/FerretDB@$version" | awk -F'"' '$2 == "Dir" { print $4 }')
  [[ -n $src && -d $src ]] || die "go mod download github.com/FerretDB/FerretDB@$version failed"
  cp -r "$src" source && chmod -R u+w source
  echo "$version" > source/build/version/version.txt
  (cd source && CGO_ENABLED=0 go_ build -trimpath -buildvcs=false -ldflags "-s -w" -o "$dest/ferretdb" ./cmd/ferretdb) \
    || die "go build of FerretDB $version failed"
  "$dest/ferretdb" --version >/dev/null || die "the built FerretDB $version does not start"
}

# Patroni, the peer the failover benchmark measures us against, in a virtual environment from PyPI. A venv cannot be
# moved (its scripts name their interpreter by absolute path), so it lives at a fixed place and the tool dir gets
# wrappers.
build_patroni() {
  local dest=$1 version=$2 venv
  venv=$TOOLS_DIR/.venv/patroni-$version
  command -v python3 >/dev/null || die "python3 not found (hack/install-deps.sh installs it)"
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "$venv/bin/pip" install -q --disable-pip-version-check "patroni[etcd3,psycopg2-binary]==$version" \
    || die "pip install patroni==$version failed"
  mkdir -p "$dest/bin"
  local cmd
  for cmd in patroni patronictl; do
    printf '#!/bin/sh\nexec "%s/bin/%s" "$@"\n' "$venv" "$cmd" >"$dest/bin/$cmd"
    chmod 755 "$dest/bin/$cmd"
  done
  "$dest/bin/patroni" --version >/dev/null || die "the installed Patroni $version does not start"
}

# ---------------------------------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------------------------------
ensure() {
  local name=$1 version=${TOOL_VERSION[$1]} dir tmp start
  dir=$(tool_dir "$name")
  if ! want "$name" "$version"; then
    log "$name $version: present"
    return
  fi
  find_go
  mkdir -p "$TOOLS_DIR/.work"
  tmp=$(mktemp -d "$TOOLS_DIR/.work/$name-$version.out.XXXXXX")
  log "$name $version: building into $dir"
  start=$SECONDS
  # Not `if ! (...)`: errexit would be ignored inside the build function.
  local rc
  set +e
  (
    set -e
    build_"${name//-/_}" "$tmp" "$version"
  )
  rc=$?
  set -e
  if ((rc != 0)); then
    rm -rf "$tmp"
    die "building $name $version failed (exit $rc, see messages above)"
  fi
  local bin
  for bin in ${TOOL_BINARIES[$name]}; do
    [[ -x $tmp/$bin ]] || { rm -rf "$tmp"; die "$name $version: build produced no $bin"; }
  done
  stamp_content "$name" "$version" >"$tmp/.stamp"
  chmod 755 "$tmp"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  log "$name $version: built in $((SECONDS - start))s"
}

link_bin() {
  mkdir -p "$BIN_DIR"
  local name bin dir
  for name in "${TOOLS[@]}"; do
    dir=$(tool_dir "$name")
    for bin in ${TOOL_BINARIES[$name]}; do
      if [[ -x $dir/$bin ]]; then
        ln -sfn "$dir/$bin" "$BIN_DIR/${bin##*/}"
      fi
    done
  done
}

# print_env <strict> <tool>...: export lines for the binaries of the given tools. A missing binary is reported on stderr;
# it is an error only when strict (tools named on the command line).
print_env() {
  local strict=$1 name bin dir missing=0
  shift
  for name in "$@"; do
    dir=$(tool_dir "$name")
    for bin in ${TOOL_BINARIES[$name]}; do
      if [[ -x $dir/$bin ]] && ! want "$name" "${TOOL_VERSION[$name]}"; then
        printf 'export %s=%q\n' "$(env_name "$bin")" "$dir/$bin"
      else
        printf '[tools] %s %s is not built (run hack/tools.sh %s)\n' "$bin" "${TOOL_VERSION[$name]}" "$name" >&2
        missing=1
      fi
    done
  done
  printf 'export FERRETDB_OPERATOR_TOOLS_BIN=%q\n' "$BIN_DIR"
  if ((strict && missing)); then return 1; fi
  return 0
}

# Maps a tool or binary name to the tool name.
resolve() {
  local arg=$1 name bin
  if [[ -n ${TOOL_VERSION[$arg]+x} ]]; then printf '%s' "$arg"; return; fi
  for name in "${TOOLS[@]}"; do
    for bin in ${TOOL_BINARIES[$name]}; do
      if [[ ${bin##*/} == "$arg" ]]; then printf '%s' "$name"; return; fi
    done
  done
  die "unknown tool '$arg' (known: ${TOOLS[*]})"
}

main() {
  local mode=build
  local -a selected=()
  while (($#)); do
    case $1 in
      --print-env) mode=print-env ;;
      --list) mode=list ;;
      -h | --help) sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'; return 0 ;;
      -*) die "unknown option $1" ;;
      *) selected+=("$(resolve "$1")") ;;
    esac
    shift
  done
  local strict=1
  ((${#selected[@]})) || { selected=("${TOOLS[@]}"); strict=0; }

  case $mode in
    list)
      local name
      for name in "${TOOLS[@]}"; do printf '%-12s %-10s %s\n' "$name" "${TOOL_VERSION[$name]}" "${TOOL_BINARIES[$name]}"; done
      return 0 ;;
    print-env)
      mkdir -p "$TOOLS_DIR"
      link_bin
      print_env "$strict" "${selected[@]}"
      return ;;
  esac

  mkdir -p "$TOOLS_DIR"
  # Serialize concurrent runs (e.g. two scripts ensuring tools at once).
  exec 9>"$TOOLS_DIR/.lock"
  if command -v flock >/dev/null; then
    flock 9
  fi
  trap 'rm -rf "$TOOLS_DIR/.work"' EXIT
  local name
  for name in "${selected[@]}"; do
    ensure "$name"
  done
  link_bin
  log "binaries:"
  for name in "${selected[@]}"; do
    local bin
    for bin in ${TOOL_BINARIES[$name]}; do
      printf '[tools]   %-24s %s\n' "${bin##*/}" "$(tool_dir "$name")/$bin" >&2
    done
  done
  log "symlinks: $BIN_DIR  (eval \"\$(hack/tools.sh --print-env)\" exports the paths)"
}

main "$@"; exit

#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2016  # build_<name>/inputs_<name> are called indirectly; single-quoted scripts run in chroots
# Builds the container images the local real-node cluster needs, without Docker and without a registry, as OCI image
# archives that `ctr -n k8s.io images import` loads under their full names.
#
#   hack/images.sh [--skip-build] [--refresh] [name...]   build the named images (default: all) if their inputs changed
#   hack/images.sh --list                                  names, refs (once built) and archive paths
#
#   --skip-build  do not run `./mvnw package` for the operator image: use target/quarkus-app as it is
#   --refresh     bootstrap the Debian root filesystems again (picks up new packages from the archive)
#
# Output: ${FERRETDB_OPERATOR_IMAGES:-$HOME/.cache/ferretdb-operator/images}/<name>.oci.tar
#         .../rootfs/postgres-<major>/   the unpacked root filesystem of each PostgreSQL image (chroot-able)
#         .../<name>.ref                 the image's full name(s), one a line
# Each image is rebuilt only when its input hash (recipe, packed inputs, Debian package versions) changes; the hash
# is kept in .../.stamps/<name>. Layers are written by hack/oci-image.py (sorted entries, numeric owners, mtimes
# clamped to SOURCE_DATE_EPOCH, gzip without timestamps), so the same inputs give the same digests.
set -euo pipefail

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
IMAGES=${FERRETDB_OPERATOR_IMAGES:-$HOME/.cache/ferretdb-operator/images}
ROOTFS=$IMAGES/rootfs
STAMPS=$IMAGES/.stamps
WORK=$IMAGES/.work
LAYER_CACHE=$IMAGES/.layers
OCI_IMAGE=$ROOT_DIR/hack/oci-image.py
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# Bump when a recipe changes in a way its function text does not show.
RECIPE_REVISION=1

IMAGE_NAMES=(pause busybox postgres-17 postgres-15 ferretdb operator)
SKIP_BUILD=0
REFRESH=0

log() { printf '[images] %s\n' "$*" >&2; }
die() { printf '[images] ERROR: %s\n' "$*" >&2; exit 1; }

usage() { sed -n '3,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

# ---------------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------------

# need <command> <debian package>: installs the package when the command is missing.
need() {
  local cmd=$1 pkg=$2
  command -v "$cmd" >/dev/null 2>&1 && return 0
  log "installing $pkg (for $cmd)"
  [[ $(id -u) == 0 ]] || die "$cmd is missing and installing $pkg needs root"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "$pkg" >&2 \
    || die "apt-get install $pkg failed"
  command -v "$cmd" >/dev/null 2>&1 || die "$pkg is installed but $cmd is still missing"
}

sha256() { sha256sum | cut -d' ' -f1; }

# The committer time of the last commit that touched the given paths: the SOURCE_DATE_EPOCH of the operator's layer.
git_epoch() {
  local t
  t=$(git -C "$ROOT_DIR" log -1 --format=%ct -- "$@" 2>/dev/null || true)
  printf '%s' "${t:-0}"
}

# tree_hash <dir>: a hash of every path, mode and content below dir.
tree_hash() {
  (cd "$1" && find . -mindepth 1 -printf '%P %y %m %l\n' | LC_ALL=C sort \
    && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum) | sha256
}

# in_chroot <root> <command...>: runs the command in the root filesystem with /proc and /dev mounted in a private
# mount namespace (the mounts vanish with it), a clean environment and apt in non-interactive mode.
in_chroot() {
  local root=$1
  shift
  unshare --mount --propagation private --pid --fork -- bash -euc '
    root=$1; shift
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" "$@"
  ' in_chroot "$root" "$@"
}

# debian_rootfs <dir> <suite> <packages...>: a --variant=minbase root filesystem of <suite> with the suite's
# -updates and -security sources, docs/man pages/translations excluded, services never started, and the packages
# installed (without recommends). Sets EPOCH to the newest Date of the archive's Release files it used.
debian_rootfs() {
  local dir=$1 suite=$2
  shift 2
  need debootstrap debootstrap
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  log "debootstrap --variant=minbase $suite (about 1-2 min)"
  debootstrap --variant=minbase "$suite" "$dir" "$DEBIAN_MIRROR" >"$dir.debootstrap.log" 2>&1 \
    || die "debootstrap $suite failed; see $dir.debootstrap.log"
  rm -f "$dir.debootstrap.log"
  rm -f "$dir/etc/apt/sources.list"
  cat >"$dir/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $DEBIAN_SECURITY_MIRROR
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # Like the official debian images: no docs, man pages or translations; no services started by maintainer scripts.
  cat >"$dir/etc/dpkg/dpkg.cfg.d/excludes" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod 755 "$dir/usr/sbin/policy-rc.d"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$dir/etc/apt/apt.conf.d/99no-recommends"
  SOURCE_DATE_EPOCH=0 in_chroot "$dir" apt-get update -qq >&2 || die "apt-get update in the $suite root filesystem failed"
  EPOCH=$(release_epoch "$dir")
  export SOURCE_DATE_EPOCH=$EPOCH
  if (($#)); then
    in_chroot "$dir" "$@" >"$dir.install.log" 2>&1 || die "installing into the $suite root filesystem failed; see $dir.install.log"
    rm -f "$dir.install.log"
  fi
}

# The newest Date: of the Release files apt fetched: the archive state this root filesystem comes from.
release_epoch() {
  local f d newest=0 t
  for f in "$1"/var/lib/apt/lists/*Release; do
    [[ -e $f ]] || continue
    d=$(sed -n 's/^Date: //p' "$f" | head -1)
    [[ -n $d ]] || continue
    t=$(date -d "$d" +%s) || die "cannot parse the Date of $f"
    ((t > newest)) && newest=$t
  done
  ((newest > 0)) || die "no Release file with a Date under $1/var/lib/apt/lists"
  printf '%s' "$newest"
}

# Removes what a container image does not need and what would differ between two builds of the same packages.
trim_rootfs() {
  local dir=$1 days
  in_chroot "$dir" apt-get clean
  rm -f "$dir/usr/sbin/policy-rc.d"
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/* "$dir"/var/cache/debconf/*-old "$dir"/var/lib/dpkg/*-old \
    "$dir"/var/cache/ldconfig/aux-cache "$dir"/var/log/* "$dir"/tmp/* "$dir"/var/tmp/* "$dir"/root/.bash_history
  find "$dir/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
  rm -rf "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/locale/* "$dir"/usr/share/lintian
  # Filled in by the container runtime.
  : >"$dir/etc/resolv.conf"
  : >"$dir/etc/hostname"
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$dir/etc/hosts"
  : >"$dir/etc/machine-id"
  rm -f "$dir/var/lib/dbus/machine-id"
  # ssl-cert's postinst makes a snakeoil key pair for this host; a key in an image is shared by every container.
  rm -f "$dir/etc/ssl/private/ssl-cert-snakeoil.key" "$dir/etc/ssl/certs/ssl-cert-snakeoil.pem"
  find "$dir/etc/ssl/certs" -xtype l -delete 2>/dev/null || true
  # Password ages count days since 1970 from the build day; use the archive's day instead.
  days=$((SOURCE_DATE_EPOCH / 86400))
  sed -i -E "s/^([^:]*:[^:]*):[0-9]*:/\1:$days:/" "$dir/etc/shadow"
  [[ -e $dir/etc/shadow- ]] && rm -f "$dir/etc/shadow-" "$dir/etc/passwd-" "$dir/etc/group-" "$dir/etc/gshadow-"
  return 0
}

# pack <name> <epoch> <oci-image.py args...>: writes $IMAGES/<name>.oci.tar and <name>.ref from the --ref args.
pack() {
  local name=$1 epoch=$2
  shift 2
  local refs=() a prev=
  for a in "$@"; do
    [[ $prev == --ref ]] && refs+=("$a")
    prev=$a
  done
  python3 "$OCI_IMAGE" --out "$IMAGES/$name.oci.tar" --epoch "$epoch" --layer-cache "$LAYER_CACHE" "$@" >/dev/null \
    || die "packing $name failed"
  printf '%s\n' "${refs[@]}" >"$IMAGES/$name.ref"
}

# rootfs_cached <rootfs-dir> <recipe-hash>: succeeds when the root filesystem was built by this recipe (and no
# --refresh); then sets EPOCH from its stamp.
rootfs_cached() {
  local dir=$1 hash=$2 stamp=$1.stamp
  ((REFRESH)) && return 1
  [[ -d $dir && -f $stamp ]] || return 1
  [[ $(sed -n 's/^recipe=//p' "$stamp") == "$hash" ]] || return 1
  EPOCH=$(sed -n 's/^epoch=//p' "$stamp")
  [[ -n $EPOCH ]] || return 1
  # Others chroot into these trees (tests); what they leave behind must not end up in an image.
  local tree
  tree=$(sed -n 's/^tree=//p' "$stamp")
  [[ -n $tree ]] || return 1
  [[ $tree == "$(tree_hash "$dir")" ]] \
    || die "$dir changed since it was built (something wrote into it); run with --refresh to bootstrap it again"
}

write_rootfs_stamp() {
  printf 'recipe=%s\nepoch=%s\ntree=%s\n' "$2" "$EPOCH" "$(tree_hash "$1")" >"$1.stamp"
}

# ---------------------------------------------------------------------------------------------------------------------
# Images: inputs_<name> prints what the image is made from (the input hash is taken of it and the recipe);
# build_<name> builds it.
# ---------------------------------------------------------------------------------------------------------------------

PAUSE_REF=registry.k8s.io/pause:3.10

inputs_pause() { gcc --version | head -1; }

# The sandbox process of every pod: sleeps in pause(), reaps zombies (it is PID 1 of a shared PID namespace), exits
# on SIGINT/SIGTERM.
build_pause() {
  need gcc build-essential
  # A fixed time (the recipe's date), so the image depends only on the recipe and the compiler.
  local dir=$WORK/pause epoch=1764979200 # 2025-12-06
  rm -rf "$dir" && mkdir -p "$dir/rootfs"
  cat >"$dir/pause.c" <<'EOF'
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void terminate(int sig) {
  (void)sig;
  _exit(0);
}

static void reap(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
    printf("pause 3.10 (ferretdb-operator hack/images.sh)\n");
    return 0;
  }
  if (getpid() != 1) {
    fprintf(stderr, "pause: warning: not running as PID 1\n");
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = terminate;
  if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  sa.sa_handler = reap;
  sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  if (sigaction(SIGCHLD, &sa, NULL) < 0) {
    perror("pause: sigaction");
    return 2;
  }
  for (;;) {
    pause();
  }
  return 42;
}
EOF
  gcc -static -Os -s -Wall -Werror -o "$dir/rootfs/pause" "$dir/pause.c" || die "gcc -static pause.c failed"
  pack pause "$epoch" --ref "$PAUSE_REF" --layer "$dir/rootfs" --history "pause.c, gcc -static" \
    --entrypoint '["/pause"]' --user 65535:65535
  rm -rf "$dir"
}

# Debian's busybox-static; the local volume provisioner's helper pods run it.
inputs_busybox() { apt_version busybox-static; }

apt_version() {
  apt-cache policy "$1" | awk '$1 == "Candidate:" { print $2 }'
}

build_busybox() {
  local dir=$WORK/busybox version epoch deb
  rm -rf "$dir" && mkdir -p "$dir/rootfs"
  (cd "$dir" && apt-get -o APT::Sandbox::User=root download -qq busybox-static >&2) || die "apt-get download busybox-static failed"
  deb=$(echo "$dir"/busybox-static_*.deb)
  [[ -f $deb ]] || die "no busybox-static .deb in $dir"
  dpkg-deb -x "$deb" "$dir/deb"
  version=$(dpkg-deb -f "$deb" Version)
  # The package's own build time (dpkg-deb -x keeps the mtimes, which Debian clamps to its changelog date).
  epoch=$(stat -c %Y "$dir/deb/bin/busybox") || die "no bin/busybox in $deb"
  mkdir -p "$dir/rootfs/bin" "$dir/rootfs/tmp" "$dir/rootfs/etc"
  chmod 1777 "$dir/rootfs/tmp"
  cp "$dir/deb/bin/busybox" "$dir/rootfs/bin/busybox"
  # One symlink per applet, as the upstream busybox image has them.
  local applet
  while read -r applet; do
    [[ -n $applet && $applet != busybox ]] && ln -s busybox "$dir/rootfs/bin/$applet"
  done < <("$dir/rootfs/bin/busybox" --list)
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$dir/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/rootfs/etc/group"
  # Upstream tags look like 1.36.1; Debian's 1:1.36.1-9 -> 1.36.1.
  local upstream=${version#*:}
  upstream=${upstream%%-*}
  pack busybox "$epoch" --ref "docker.io/library/busybox:$upstream" --layer "$dir/rootfs" \
    --history "Debian busybox-static $version" --cmd '["sh"]' \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  rm -rf "$dir"
}

# PostgreSQL <major> laid out like the official postgres image of the same Debian suite.
inputs_postgres() {
  printf 'mirror=%s security=%s\n' "$DEBIAN_MIRROR" "$DEBIAN_SECURITY_MIRROR"
  declare -f build_postgres debian_rootfs trim_rootfs in_chroot release_epoch
}
inputs_postgres-17() { inputs_postgres; declare -f postgres_rootfs; printf 'trixie 17\n'; }
inputs_postgres-15() { inputs_postgres; declare -f postgres_rootfs; printf 'bookworm 15\n'; }
build_postgres-17() { build_postgres trixie 17; }
build_postgres-15() { build_postgres bookworm 15; }

# postgres_rootfs <dir> <suite> <major>: the root filesystem; sets EPOCH.
postgres_rootfs() {
  local dir=$1 suite=$2 major=$3
  # The official image creates the user first, so that its uid/gid are 999 whatever the packages create.
  debian_rootfs "$dir" "$suite" bash -euc '
    groupadd -r postgres --gid=999
    useradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres
    install -d -o postgres -g postgres /var/lib/postgresql
    apt-get install -y -qq postgresql-common
    sed -ri "s/#(create_main_cluster) .*$/\1 = false/" /etc/postgresql-common/createcluster.conf
    apt-get install -y -qq "postgresql-$1"
    # the WAL archiver the coordinator configures (archive_command runs in this container)
    apt-get install -y -qq pgbackrest
    rm -rf "/var/lib/postgresql/$1/main" "/etc/postgresql/$1/main"
    install -d -o postgres -g postgres -m 3777 /var/run/postgresql
    install -d -o postgres -g postgres -m 1777 /var/lib/postgresql/data
    id postgres
  ' postgres_rootfs "$major"
  [[ $(stat -c %u:%g "$dir/var/lib/postgresql") == 999:999 ]] || die "postgres is not uid/gid 999 in $dir"
  [[ -x $dir/usr/lib/postgresql/$major/bin/postgres ]] || die "no postgres $major server binary in $dir"
  [[ -x $dir/usr/bin/pgbackrest ]] || die "no pgbackrest in $dir"
  trim_rootfs "$dir"
}

build_postgres() {
  local suite=$1 major=$2 name=postgres-$2 dir recipe version full tag
  dir=$ROOTFS/$name
  recipe=$( (declare -f postgres_rootfs debian_rootfs trim_rootfs; echo "$suite $major $RECIPE_REVISION") | sha256)
  if rootfs_cached "$dir" "$recipe"; then
    log "$name: reusing the root filesystem in $dir (--refresh bootstraps it again)"
  else
    postgres_rootfs "$dir" "$suite" "$major"
    write_rootfs_stamp "$dir" "$recipe"
  fi
  version=$(chroot "$dir" dpkg-query -W -f '${Version}' "postgresql-$major") || die "postgresql-$major is not installed in $dir"
  full=${version%%-*}  # 17.6-0+deb13u1 -> 17.6
  full=${full%%+*}
  tag=docker.io/library/postgres:$full-$suite
  local path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/$major/bin
  pack "$name" "$EPOCH" --ref "$tag" --layer "$dir" \
    --history "debootstrap --variant=minbase $suite; useradd postgres (999:999); apt-get install postgresql-$major=$version" \
    --env "PATH=$path" --env LANG=C.UTF-8 --env "PG_MAJOR=$major" --env "PG_VERSION=$version" \
    --env PGDATA=/var/lib/postgresql/data --cmd '["postgres"]' --user 999:999 --stop-signal SIGINT --expose 5432/tcp \
    --label "org.opencontainers.image.version=$full" --label "org.opencontainers.image.base.name=debian:$suite"
}

# FerretDB as `hack/tools.sh ferretdb` builds it (static), on a minimal base like upstream's image.
FERRETDB_REF=ghcr.io/ferretdb/ferretdb:1.24.2
ferretdb_binary() {
  local env
  env=$("$ROOT_DIR/hack/tools.sh" --print-env ferretdb 2>/dev/null || true)
  if [[ $env != *FERRETDB=* ]]; then
    log "ferretdb: building it with hack/tools.sh ferretdb"
    "$ROOT_DIR/hack/tools.sh" ferretdb >&2 || die "hack/tools.sh ferretdb failed"
    env=$("$ROOT_DIR/hack/tools.sh" --print-env ferretdb) || die "hack/tools.sh --print-env ferretdb failed"
  fi
  sed -n 's/^export FERRETDB=//p' <<<"$env" | tr -d "'\""
}
inputs_ferretdb() { sha256sum <"$(ferretdb_binary)"; apt_version ca-certificates; }

build_ferretdb() {
  local dir=$WORK/ferretdb bin deb f epoch
  bin=$(ferretdb_binary)
  [[ -x $bin ]] || die "no FerretDB binary at '$bin'"
  file -b "$bin" 2>/dev/null | grep -q 'statically linked' || log "ferretdb: warning: $bin may not be static"
  rm -rf "$dir" && mkdir -p "$dir/rootfs/etc/ssl/certs" "$dir/rootfs/tmp" "$dir/rootfs/state"
  (cd "$dir" && apt-get -o APT::Sandbox::User=root download -qq ca-certificates >&2) || die "apt-get download ca-certificates failed"
  deb=$(echo "$dir"/ca-certificates_*.deb)
  dpkg-deb -x "$deb" "$dir/deb"
  # What update-ca-certificates writes: the Mozilla bundle, certificates concatenated in name order.
  while IFS= read -r -d '' f; do
    cat "$f"
  done < <(find "$dir/deb/usr/share/ca-certificates" -name '*.crt' -print0 | LC_ALL=C sort -z) \
    >"$dir/rootfs/etc/ssl/certs/ca-certificates.crt"
  [[ -s $dir/rootfs/etc/ssl/certs/ca-certificates.crt ]] || die "no certificates in $deb"
  install -m 755 "$bin" "$dir/rootfs/ferretdb"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nferretdb:x:1000:1000:FerretDB:/state:/sbin/nologin\n' >"$dir/rootfs/etc/passwd"
  printf 'root:x:0:\nferretdb:x:1000:\n' >"$dir/rootfs/etc/group"
  chmod 1777 "$dir/rootfs/tmp"
  chown 1000:1000 "$dir/rootfs/state"
  epoch=1748304000 # 2025-05-27, the release date of FerretDB 1.24.2
  pack ferretdb "$epoch" --ref "$FERRETDB_REF" --layer "$dir/rootfs" \
    --history "hack/tools.sh ferretdb (CGO_ENABLED=0) + Debian ca-certificates $(dpkg-deb -f "$deb" Version)" \
    --entrypoint '["/ferretdb"]' --user 1000:1000 --workdir / --expose 27017/tcp --expose 8088/tcp \
    --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt --env FERRETDB_STATE_DIR=/state \
    --label org.opencontainers.image.version=1.24.2
  rm -rf "$dir"
}

# The operator (and pg-coordinator sidecar): bookworm minbase in one layer, a jlink'd Java 25 runtime in a second,
# target/quarkus-app and its JDK AOT cache (JEP 483/514) in a third.
OPERATOR_VERSION=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$ROOT_DIR/pom.xml" | head -1)
OPERATOR_REPOSITORY=ghcr.io/ferretdb-operator/ferretdb-operator
# application.properties: ghcr.io/ferretdb-operator/ferretdb-operator:${quarkus.application.version} (the pom's);
# the Helm chart (and kubernetes/operator, bundle/) default to the chart's appVersion. Both names are given.
OPERATOR_CHART_VERSION=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$ROOT_DIR/helm/ferretdb-operator/Chart.yaml")
OPERATOR_UID=185
OPERATOR_JAVA_HOME=/opt/java/openjdk
# The runtime's modules: `jdeps --print-module-deps` of target/quarkus-app (java.base, java.sql, java.security.jgss,
# jdk.management, jdk.security.auth, jdk.unsupported and what they require: java.logging, java.management,
# java.naming, java.xml, java.transaction.xa) without java.desktop (java.beans: Jackson's and Jakarta EL's optional
# support, java.awt in pgjdbc's geometric types and Quarkus' GraalVM helpers) and jdk.compiler (vertx-codegen's
# annotation processor), which nothing loads at run time. EC TLS is in java.base since JDK 22 (jdk.crypto.ec is empty).
OPERATOR_JAVA_MODULES=java.base,java.logging,java.management,java.naming,java.security.jgss,java.sql,java.xml,jdk.management,jdk.security.auth,jdk.unsupported
# Container JVM options: src/main/docker/jvm-options (shared with the tests that run the coordinator as a process; the
# coordinator sidecar's memory limit is 256Mi, PostgresPodTemplate.COORDINATOR_RESOURCES), then -XX:AOTCache: the
# cache the build's training run wrote (a JVM that cannot use it says so and starts without it).
mapfile -t OPERATOR_JAVA_OPTS < <(grep -v -e '^#' -e '^[[:space:]]*$' "$ROOT_DIR/src/main/docker/jvm-options")
OPERATOR_JAVA_OPTS+=(-XX:AOTCache=/deployments/app.aot
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dquarkus.http.host=0.0.0.0)

operator_app() { printf '%s/target/quarkus-app' "$ROOT_DIR"; }

# The JDK 25 the runtime is linked from (hack/java25.sh: JAVA25_HOME, JAVA_HOME or Temurin 25); fails without one.
operator_jdk() {
  (source "$ROOT_DIR/hack/java25.sh" && printf '%s' "$JAVA_HOME") || die "the operator image needs a JDK 25 to jlink its runtime"
}

# Runs ./mvnw package when target/quarkus-app is missing or older than a source file (unless --skip-build).
ensure_operator_app() {
  local app newer
  app=$(operator_app)
  if ((SKIP_BUILD)); then
    [[ -f $app/quarkus-run.jar ]] || die "--skip-build, but $app/quarkus-run.jar does not exist"
    return
  fi
  if [[ -f $app/quarkus-run.jar ]]; then
    newer=$(find "$ROOT_DIR/src/main/java" "$ROOT_DIR/src/main/resources" "$ROOT_DIR/pom.xml" -newer "$app/quarkus-run.jar" -type f -print -quit)
    [[ -z $newer ]] && return
    log "operator: $newer is newer than target/quarkus-app"
  fi
  log "operator: ./mvnw -B -q package -DskipTests"
  (cd "$ROOT_DIR" && JAVA_HOME=$(operator_jdk) ./mvnw -B -q package -DskipTests >&2) || die "./mvnw package failed"
  [[ -f $app/quarkus-run.jar ]] || die "./mvnw package did not produce $app/quarkus-run.jar"
}

inputs_operator() {
  ensure_operator_app
  declare -f operator_base_rootfs operator_runtime operator_aot debian_rootfs trim_rootfs in_chroot release_epoch
  printf '%s\n' "${OPERATOR_JAVA_OPTS[@]}" "$OPERATOR_VERSION" "$OPERATOR_CHART_VERSION" "$OPERATOR_UID" \
    "$OPERATOR_JAVA_HOME" "$OPERATOR_JAVA_MODULES"
  cat "$(operator_jdk)/release"
  tree_hash "$(operator_app)"
  git_epoch src/main pom.xml
}

operator_base_rootfs() {
  local dir=$1
  debian_rootfs "$dir" bookworm bash -euc '
    groupadd -r --gid "$1" jboss
    useradd -r -g jboss --uid "$1" --home-dir /home/jboss --create-home --shell /usr/sbin/nologin jboss
    install -d -o "$1" -g "$1" /deployments
  ' operator_base "$OPERATOR_UID"
  trim_rootfs "$dir"
}

# operator_runtime <jdk> <layer-dir>: the jlink'd runtime at OPERATOR_JAVA_HOME, with its default CDS archive (the
# base the JVM maps before the AOT cache). Sets JAVA_RUNTIME_VERSION (e.g. 25.0.3+9-LTS) and RUNTIME_EPOCH.
operator_runtime() {
  local jdk=$1 layer=$2
  rm -rf "$layer" && mkdir -p "$layer$(dirname "$OPERATOR_JAVA_HOME")"
  "$jdk/bin/jlink" --add-modules "$OPERATOR_JAVA_MODULES" --strip-debug --no-man-pages --no-header-files \
    --generate-cds-archive --output "$layer$OPERATOR_JAVA_HOME" >&2 || die "jlink of $jdk failed"
  JAVA_RUNTIME_VERSION=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$jdk/release")
  [[ -n $JAVA_RUNTIME_VERSION ]] || die "no JAVA_RUNTIME_VERSION in $jdk/release"
  # The archive for heaps over 32 GiB (no compressed oops): the sidecar's limit is 256Mi, the operator's far below.
  rm -f "$layer$OPERATOR_JAVA_HOME/lib/server/classes_nocoops.jsa"
  # The JDK's own build time: its release file (a JDK update changes it, a rebuild of the image does not).
  RUNTIME_EPOCH=$(stat -c %Y "$jdk/release")
  chmod -R u=rwX,go=rX "$layer"
}

build_operator() {
  local base=$ROOTFS/operator-base dir=$WORK/operator recipe base_epoch app_epoch jdk
  jdk=$(operator_jdk)
  recipe=$( (declare -f operator_base_rootfs debian_rootfs trim_rootfs; echo "$OPERATOR_UID $RECIPE_REVISION") | sha256)
  if rootfs_cached "$base" "$recipe"; then
    log "operator: reusing the base root filesystem in $base"
  else
    operator_base_rootfs "$base"
    write_rootfs_stamp "$base" "$recipe"
  fi
  base_epoch=$EPOCH
  rm -rf "$dir" && mkdir -p "$dir/app/deployments"
  operator_runtime "$jdk" "$dir/runtime"
  ((RUNTIME_EPOCH >= base_epoch)) || RUNTIME_EPOCH=$base_epoch
  # The times the image will carry (hack/oci-image.py clamps to the layer's epoch): the AOT cache is made on these.
  find "$dir/runtime" -exec touch -h -d "@$RUNTIME_EPOCH" {} +
  cp -a "$(operator_app)"/. "$dir/app/deployments/"
  chown -R "$OPERATOR_UID:$OPERATOR_UID" "$dir/app/deployments"
  chmod -R u=rwX,go=rX "$dir/app/deployments"
  app_epoch=$(git_epoch src/main pom.xml)
  ((app_epoch >= RUNTIME_EPOCH)) || app_epoch=$RUNTIME_EPOCH
  # The AOT cache checks each jar's size and time: train on the times the image's layer will have.
  find "$dir/app" -exec touch -h -d "@$app_epoch" {} +
  operator_aot "$base" "$dir/runtime" "$dir/app"
  touch -h -d "@$app_epoch" "$dir/app/deployments/app.aot"
  local refs=(--ref "$OPERATOR_REPOSITORY:$OPERATOR_VERSION")
  [[ $OPERATOR_CHART_VERSION != "$OPERATOR_VERSION" ]] && refs+=(--ref "$OPERATOR_REPOSITORY:$OPERATOR_CHART_VERSION")
  pack operator "$app_epoch" "${refs[@]}" \
    --layer "$base" --layer-epoch "$base_epoch" --layer "$dir/runtime" --layer-epoch "$RUNTIME_EPOCH" \
    --layer "$dir/app" --layer-epoch "$app_epoch" \
    --history "debootstrap --variant=minbase bookworm; useradd jboss ($OPERATOR_UID)" \
    --history "jlink --add-modules $OPERATOR_JAVA_MODULES --strip-debug --generate-cds-archive (Java $JAVA_RUNTIME_VERSION) -> $OPERATOR_JAVA_HOME" \
    --history "target/quarkus-app -> /deployments; JDK AOT cache (training run: a coordinator start)" \
    --env "PATH=$OPERATOR_JAVA_HOME/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" --env LANG=C.UTF-8 \
    --env "JAVA_HOME=$OPERATOR_JAVA_HOME" --env "JAVA_VERSION=$JAVA_RUNTIME_VERSION" \
    --entrypoint "$(printf '%s\n' java "${OPERATOR_JAVA_OPTS[@]}" -jar /deployments/quarkus-run.jar | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().split()))')" \
    --user "$OPERATOR_UID:$OPERATOR_UID" --workdir /deployments --expose 8080/tcp --expose 9187/tcp \
    --label "org.opencontainers.image.version=$OPERATOR_VERSION" --label org.opencontainers.image.base.name=debian:bookworm
  rm -rf "$dir"
}

# operator_aot <base-rootfs> <runtime-layer-dir> <app-layer-dir>: writes /deployments/app.aot, the JDK AOT cache
# (-XX:AOTCacheOutput, JEP 514) of a coordinator start (it starts Quarkus, finds no pod environment and exits 2), made
# by the image's own runtime with the image's JVM options, in a chroot of the three layers.
operator_aot() {
  local base=$1 runtime=$2 app=$3 merged=$WORK/operator-aot log=$WORK/operator-aot.log opts=() o
  for o in "${OPERATOR_JAVA_OPTS[@]}"; do [[ $o == -XX:AOTCache=* ]] || opts+=("$o"); done
  rm -rf "$merged" && mkdir -p "$merged"
  unshare --mount --propagation private --pid --fork -- bash -euc '
    base=$1 runtime=$2 app=$3 merged=$4 log=$5 uid=$6 java=$7
    shift 7
    mount -t tmpfs tmpfs "$merged"
    mkdir -p "$merged/root" "$merged/upper" "$merged/work"
    mount -t overlay overlay -o "lowerdir=$app:$runtime:$base,upperdir=$merged/upper,workdir=$merged/work" "$merged/root"
    mount -t proc proc "$merged/root/proc"
    mount -t tmpfs tmpfs "$merged/root/tmp"
    rc=0
    chroot --userspec="$uid:$uid" "$merged/root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp \
      "$java" -XX:AOTCacheOutput=/tmp/app.aot "$@" -jar /deployments/quarkus-run.jar coordinator >"$log" 2>&1 || rc=$?
    [[ $rc == 2 ]] || { echo "the training run exited $rc, not 2 (no pod environment)" >>"$log"; exit 1; }
    cp "$merged/root/tmp/app.aot" "$app/deployments/app.aot"
  ' operator_aot "$base" "$runtime" "$app" "$merged" "$log" "$OPERATOR_UID" "$OPERATOR_JAVA_HOME/bin/java" "${opts[@]}" \
    || die "making the AOT cache failed (see $log)"
  grep -q 'AOTCache creation is complete' "$log" || die "the training run did not report a complete AOT cache (see $log)"
  chown "$OPERATOR_UID:$OPERATOR_UID" "$app/deployments/app.aot"
  chmod 644 "$app/deployments/app.aot"
  rm -rf "$merged"
}

# ---------------------------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------------------------

input_hash() {
  local name=$1
  {
    echo "revision=$RECIPE_REVISION"
    declare -f "build_$name" pack
    sha256sum <"$OCI_IMAGE"
    "inputs_$name"
  } | sha256
}

build_one() {
  local name=$1 hash start end
  hash=$(input_hash "$name") || die "$name: computing its inputs failed"
  if [[ -f $IMAGES/$name.oci.tar && -f $STAMPS/$name && $(cat "$STAMPS/$name") == "$hash" ]]; then
    log "$name: up to date ($(tr '\n' ' ' <"$IMAGES/$name.ref"))"
    return
  fi
  log "$name: building"
  start=$(date +%s.%N)
  rm -f "$STAMPS/$name"
  "build_$name"
  echo "$hash" >"$STAMPS/$name"
  end=$(date +%s.%N)
  log "$name: built $(tr '\n' ' ' <"$IMAGES/$name.ref")in $(printf '%.1f' "$(echo "$end - $start" | bc)") s" \
    "($(du -h "$IMAGES/$name.oci.tar" | cut -f1))"
}

main() {
  local names=() name
  while (($#)); do
    case $1 in
      --skip-build) SKIP_BUILD=1 ;;
      --refresh) REFRESH=1 ;;
      --list)
        for name in "${IMAGE_NAMES[@]}"; do
          printf '%-12s %s %s\n' "$name" "$IMAGES/$name.oci.tar" "$(tr '\n' ' ' <"$IMAGES/$name.ref" 2>/dev/null || echo '(not built)')"
        done
        return 0 ;;
      -h | --help) usage; return 0 ;;
      -*) die "unknown option $1 (see --help)" ;;
      *)
        [[ " ${IMAGE_NAMES[*]} " == *" $1 "* ]] || die "unknown image $1 (known: ${IMAGE_NAMES[*]})"
        names+=("$1") ;;
    esac
    shift
  done
  ((${#names[@]})) || names=("${IMAGE_NAMES[@]}")
  [[ $(id -u) == 0 ]] || die "run as root: debootstrap, chroot and numeric file owners need it"
  need python3 python3
  need bc bc
  mkdir -p "$IMAGES" "$ROOTFS" "$STAMPS" "$WORK"
  local total_start
  total_start=$(date +%s)
  for name in "${names[@]}"; do
    build_one "$name"
  done
  log "done in $(($(date +%s) - total_start)) s: $IMAGES"
}

main "$@"; exit  # one line: an edit of this file while it runs cannot make bash read past the end

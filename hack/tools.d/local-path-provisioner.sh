# shellcheck shell=bash
# Sourced by hack/tools.sh. rancher/local-path-provisioner: the local cluster's default StorageClass `local-path`
# (hack/local-cluster.sh runs it as a host process with the cluster's kubeconfig). v0.0.30 is the newest version the
# Go module proxy lists.
tool local-path-provisioner v0.0.30 local-path-provisioner

build_local_path_provisioner() {
  local dest=$1 version=$2
  throwaway_module local-path-provisioner
  go_ get "github.com/rancher/local-path-provisioner@$version" \
    || die "go get github.com/rancher/local-path-provisioner@$version failed"
  CGO_ENABLED=0 go_ build -trimpath -ldflags "-s -w -X main.VERSION=$version" -o "$dest/local-path-provisioner" \
    github.com/rancher/local-path-provisioner || die "go build of local-path-provisioner $version failed"
  "$dest/local-path-provisioner" --version >/dev/null || die "the built local-path-provisioner $version does not start"
}

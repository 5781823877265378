# shellcheck shell=bash
# Sourced by hack/tools.sh. CoreDNS for the local cluster's DNS (hack/local-cluster.sh), built from the Go module proxy
# with only the plugins a cluster DNS needs (the upstream main imports every plugin, which pulls cloud SDKs in); `bind`
# keeps it off the host's own addresses.
COREDNS_VERSION=v1.14.7
# The plugin order of the server block; CoreDNS runs plugins in this order, whatever the Corefile says.
COREDNS_PLUGINS=(reload bind ready health errors log loadbalance cache kubernetes loop forward)
# The tool version names the plugin list too, so changing the list rebuilds.
tool coredns "$COREDNS_VERSION-$(printf '%s\n' "${COREDNS_PLUGINS[@]}" | sha256sum | cut -c1-8)" coredns

build_coredns() {
  local dest=$1 version=$COREDNS_VERSION p
  throwaway_module coredns
  {
    printf 'package main\n\nimport (\n'
    printf '\t"github.com/coredns/coredns/core/dnsserver"\n'
    printf '\t"github.com/coredns/coredns/coremain"\n'
    for p in "${COREDNS_PLUGINS[@]}"; do
      printf '\t_ "github.com/coredns/coredns/plugin/%s"\n' "$p"
    done
    printf ')\n\nfunc init() {\n\tdnsserver.Directives = []string{'
    printf '"%s", ' "${COREDNS_PLUGINS[@]}"
    printf '}\n}\n\nfunc main() { coremain.Run() }\n'
  } >main.go
  gofmt -w main.go 2>/dev/null || true
  go_ get "github.com/coredns/coredns@$version" || die "go get github.com/coredns/coredns@$version failed"
  go_ mod tidy || die "go mod tidy for coredns $version failed"
  CGO_ENABLED=0 go_ build -trimpath -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=$version" \
    -o "$dest/coredns" . || die "go build of coredns $version failed"
  "$dest/coredns" -plugins >/dev/null || die "the built coredns $version does not start"
}

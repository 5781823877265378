# shellcheck shell=bash
# Sourced by hack/tools.sh. The OLM bundle validator: hack/olm-validate (a small program on the operator-framework
# validation library), built from the Go module proxy with the versions pinned in its go.mod/go.sum.
OLM_VALIDATE_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../olm-validate" && pwd)
# The version names the library and a hash of the program's source, so editing the program rebuilds it.
tool olm-validate "$(awk '$1 == "github.com/operator-framework/api" { print $2 }' "$OLM_VALIDATE_SRC/go.mod")-$(
  cat "$OLM_VALIDATE_SRC/go.mod" "$OLM_VALIDATE_SRC/go.sum" "$OLM_VALIDATE_SRC/main.go" | sha256sum | cut -c1-12)" olm-validate

build_olm_validate() {
  local dest=$1
  cd "$OLM_VALIDATE_SRC"
  CGO_ENABLED=0 go_ build -mod=readonly -buildvcs=false -trimpath -ldflags "-s -w" -o "$dest/olm-validate" . \
    || die "go build of hack/olm-validate failed"
}

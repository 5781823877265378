# shellcheck shell=bash
# Sourced by hack/tools.sh. versitygw: the S3-compatible server the backup tests archive to (a real S3 API over a
# POSIX directory, started on loopback by the test support class S3Server). MinIO is not an option here: the Go module
# proxy lists no release of github.com/minio/minio, only a pseudo-version of an archived tree.
tool versitygw v1.8.0 versitygw

build_versitygw() {
  local dest=$1 version=$2
  throwaway_module versitygw
  go_ get "github.com/versity/versitygw/cmd/versitygw@$version" || die "go get github.com/versity/versitygw@$version failed"
  CGO_ENABLED=0 go_ build -trimpath -ldflags "-s -w -X main.Version=$version" -o "$dest/versitygw" \
    github.com/versity/versitygw/cmd/versitygw || die "go build of versitygw $version failed"
  "$dest/versitygw" --version >/dev/null || die "the built versitygw $version does not start"
}

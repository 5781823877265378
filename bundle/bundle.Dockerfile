# OLM bundle image. Build from this directory:  docker build -f bundle/bundle.Dockerfile -t <registry>/ferretdb-operator-bundle:0.1.0 bundle/
FROM scratch

# Keep in sync with metadata/annotations.yaml (OlmBundleTest checks).
LABEL operators.operatorframework.io.bundle.mediatype.v1=registry+v1
LABEL operators.operatorframework.io.bundle.manifests.v1=manifests/
LABEL operators.operatorframework.io.bundle.metadata.v1=metadata/
LABEL operators.operatorframework.io.bundle.package.v1=ferretdb-operator
LABEL operators.operatorframework.io.bundle.channels.v1=candidate
LABEL operators.operatorframework.io.bundle.channel.default.v1=candidate

COPY manifests /manifests/
COPY metadata /metadata/

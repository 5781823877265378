package org.ferretdboperator.postgres;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The operator's own image, which also runs as the pg-coordinator sidecar (one binary, two modes). Override with
 * {@code ferretdb-operator.image} or the environment variable {@code FERRETDB_OPERATOR_IMAGE}.
 */
@ConfigMapping(prefix = "ferretdb-operator")
public interface OperatorImageConfig {

    @WithDefault("ghcr.io/ferretdb-operator/ferretdb-operator:${quarkus.application.version}")
    String image();
}

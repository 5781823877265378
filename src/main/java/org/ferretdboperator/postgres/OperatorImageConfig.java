package org.ferretdboperator.postgres;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The operator's own image, which also runs as the pg-coordinator sidecar (one binary, two modes). Override with
 * {@code ferretdb-operator.image} or the environment variable {@code FERRETDB_OPERATOR_IMAGE}.
 *
 * <p>A single property rather than a {@code @ConfigMapping} on the whole {@code ferretdb-operator} prefix: such a
 * mapping would claim every {@code ferretdb-operator.*} property and fail start-up on the ones other parts own
 * (the mode switch, leader election, metrics).
 */
@ApplicationScoped
public class OperatorImageConfig {

    /** Default in application.properties, where the project version is expanded into the tag. */
    @ConfigProperty(name = "ferretdb-operator.image")
    String image;

    public String image() {
        return image;
    }
}

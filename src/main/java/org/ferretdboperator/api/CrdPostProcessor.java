package org.ferretdboperator.api;

import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.Map;

/**
 * What the CRD generator cannot derive from the classes, applied to every generated CRD (wired in through
 * {@code quarkus.operator-sdk.crd.post-processor}): the printer column order ({@link PrinterColumnOrder}) and the
 * descriptions of each kind and of its {@code spec} and {@code status}, which belong to the SDK's
 * {@code CustomResource} and so cannot carry a {@code @JsonPropertyDescription}. Every other field's description is
 * its {@code @JsonPropertyDescription} in the {@code api} package; {@code CrdDescriptionsTest} fails on a field without one.
 */
public class CrdPostProcessor implements CRDPostProcessor {

    private record Descriptions(String kind, String spec, String status) {
    }

    private static final Map<String, Descriptions> KINDS = Map.of(
            "FerretDB", new Descriptions(
                    "A FerretDB deployment (the MongoDB wire protocol) on a highly available PostgreSQL backend: FerretDB "
                            + "server pods behind the Services <name> and <name>-secondary, and the Postgres object <name>-pg-backend.",
                    "Desired state: the FerretDB version (required), the servers, the PostgreSQL backend and the policies.",
                    "Observed state, written by the operator: phase and conditions."),
            "Postgres", new Descriptions(
                    "A highly available PostgreSQL cluster: a StatefulSet whose pg-coordinator sidecars elect the primary "
                            + "on the Lease <name>-leader and fail over without the operator.",
                    "Desired state: the PostgreSQL version (required), members, storage, replication and policies.",
                    "Observed state, written by the operator: phase, current primary and conditions."),
            "FerretDBVersion", new Descriptions(
                    "A catalog entry: the images and PostgreSQL backend of one FerretDB version, named by FerretDB objects' spec.version.",
                    "The images of this version.",
                    "Whether the entry is valid, written by the operator."),
            "PostgresOpsRequest", new Descriptions(
                    "A day-2 operation on a Postgres object (KubeDB's PostgresOpsRequest): Restart and a planned Switchover are "
                            + "carried out; the other types are accepted and fail saying they are not supported yet.",
                    "The database, the operation and its options, timeout and apply policy.",
                    "Progress, written by the operator: phase, one condition per step."),
            "FerretDBOpsRequest", new Descriptions(
                    "A day-2 operation on a FerretDB object (KubeDB's FerretDBOpsRequest): Restart is carried out; the other "
                            + "types are accepted and fail saying they are not supported yet.",
                    "The database, the operation and its options, timeout and apply policy.",
                    "Progress, written by the operator: phase, one condition per step."));

    private final PrinterColumnOrder printerColumns = new PrinterColumnOrder();

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        HasMetadata processed = printerColumns.process(crd, crdSpecVersion);
        if (processed instanceof CustomResourceDefinition definition) {
            Descriptions d = KINDS.get(definition.getSpec().getNames().getKind());
            if (d != null) {
                definition.getSpec().getVersions().forEach(version -> {
                    JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
                    root.setDescription(d.kind());
                    describe(root, "spec", d.spec());
                    describe(root, "status", d.status());
                });
            }
        }
        return processed;
    }

    private static void describe(JSONSchemaProps root, String property, String description) {
        JSONSchemaProps p = root.getProperties() == null ? null : root.getProperties().get(property);
        if (p != null) {
            p.setDescription(description);
        }
    }
}

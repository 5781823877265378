package org.ferretdboperator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.api.catalog.FerretDBVersion;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;

/**
 * The CRD generator sorts printer columns by name; {@code kubectl get} must show them in the order the KubeDB guide
 * prints (e.g. NAMESPACE, VERSION, STATUS, AGE), which is the order of the annotations on each kind's class.
 * Wired in through {@code quarkus.operator-sdk.crd.post-processor}.
 */
public class PrinterColumnOrder implements CRDPostProcessor {

    private static final Map<String, Class<?>> KINDS = Map.of(
            "FerretDB", FerretDB.class,
            "Postgres", Postgres.class,
            "FerretDBVersion", FerretDBVersion.class,
            "PostgresOpsRequest", org.ferretdboperator.api.ops.PostgresOpsRequest.class,
            "FerretDBOpsRequest", org.ferretdboperator.api.ops.FerretDBOpsRequest.class);

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
        if (crd instanceof CustomResourceDefinition definition) {
            Class<?> kind = KINDS.get(definition.getSpec().getNames().getKind());
            if (kind != null) {
                List<String> order = Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
                        .map(AdditionalPrinterColumn::name)
                        .toList();
                definition.getSpec().getVersions().forEach(version -> {
                    List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
                    if (columns != null) {
                        columns.sort(Comparator.comparingInt(column -> order.indexOf(column.getName())));
                    }
                });
            }
        }
        return crd;
    }
}

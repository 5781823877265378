package org.ferretdboperator.api.postgres;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A highly available PostgreSQL cluster: one StatefulSet whose pods run {@code postgres} beside the
 * {@code pg-coordinator} that elects, fences and promotes. The name is limited so that the StatefulSet's pod names
 * and controller-revision-hash label fit 63 characters.
 */
@Group("kubedb.com")
@Version("v1")
@Plural("postgreses")
@Categories({ "datastore", "kubedb", "appscode", "all" })
@ShortNames("pg")
@ValidationRule(value = "has(self.spec)", message = "spec is required: a Postgres needs at least spec.version")
@ValidationRule(value = "size(self.metadata.name) <= 50",
        message = "metadata.name must be at most 50 characters: derived names such as <name>-standby and <name>-N must fit Kubernetes' 63-character limits")
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.version", type = Type.STRING)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Primary", jsonPath = ".status.primary", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class Postgres extends CustomResource<PostgresSpec, PostgresStatus> implements Namespaced {
}

package org.ferretdboperator.api.ops;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A day-2 operation on a Postgres object, as KubeDB's ops.kubedb.com/v1alpha1 PostgresOpsRequest. */
@Group("ops.kubedb.com")
@Version("v1alpha1")
@Categories({ "ops", "kubedb", "appscode" })
@ShortNames("pgops")
@AdditionalPrinterColumn(name = "Type", jsonPath = ".spec.type", type = Type.STRING)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class PostgresOpsRequest extends CustomResource<PostgresOpsRequestSpec, OpsRequestStatus> implements Namespaced {
}

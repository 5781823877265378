package org.ferretdboperator.api.ops;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A day-2 operation on a FerretDB object, as KubeDB's ops.kubedb.com/v1alpha1 FerretDBOpsRequest. */
@Group("ops.kubedb.com")
@Version("v1alpha1")
@Categories({ "datastore", "kubedb", "appscode" })
@ShortNames("frops")
@AdditionalPrinterColumn(name = "Type", jsonPath = ".spec.type", type = Type.STRING)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class FerretDBOpsRequest extends CustomResource<FerretDBOpsRequestSpec, OpsRequestStatus> implements Namespaced {
}

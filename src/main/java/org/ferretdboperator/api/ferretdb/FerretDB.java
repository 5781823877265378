package org.ferretdboperator.api.ferretdb;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A FerretDB deployment (MongoDB wire protocol) on a highly available PostgreSQL backend.
 * The name is limited so that every derived name ({@code <name>-pg-backend-standby}, StatefulSet pod names and their
 * controller-revision-hash label) stays within Kubernetes' 63-character limits.
 */
@Group("kubedb.com")
@Version("v1alpha2")
@Categories({ "datastore", "kubedb", "appscode", "all" })
@ShortNames("fr")
@ValidationRule(value = "has(self.spec)", message = "spec is required: a FerretDB needs at least spec.version (a FerretDBVersion name)")
@ValidationRule(value = "size(self.metadata.name) <= 41",
        message = "metadata.name must be at most 41 characters: derived names such as <name>-pg-backend-0 must fit Kubernetes' 63-character limits")
@AdditionalPrinterColumn(name = "Namespace", jsonPath = ".metadata.namespace", type = Type.STRING)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.version", type = Type.STRING)
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class FerretDB extends CustomResource<FerretDBSpec, FerretDBStatus> implements Namespaced {
}

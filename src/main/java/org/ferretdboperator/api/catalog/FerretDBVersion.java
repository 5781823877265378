package org.ferretdboperator.api.catalog;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A catalog entry: which FerretDB image and which backend PostgreSQL a FerretDB {@code spec.version} means. */
@Group("catalog.kubedb.com")
@Version("v1alpha1")
@Categories({ "catalog", "kubedb", "appscode" })
@ShortNames("frversion")
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.version", type = Type.STRING)
@AdditionalPrinterColumn(name = "DB_IMAGE", jsonPath = ".spec.db.image", type = Type.STRING)
@AdditionalPrinterColumn(name = "Deprecated", jsonPath = ".spec.deprecated", type = Type.BOOLEAN)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class FerretDBVersion extends CustomResource<FerretDBVersionSpec, FerretDBVersionStatus> {
}

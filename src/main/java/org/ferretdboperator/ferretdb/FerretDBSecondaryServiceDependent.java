package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import org.ferretdboperator.api.ferretdb.FerretDB;

/** Service {@code <name>-secondary}: clients' entry to the read-only secondary servers (27017). */
public class FerretDBSecondaryServiceDependent extends CRUDKubernetesDependentResource<Service, FerretDB> {

    @Override
    protected Service desired(FerretDB ferretdb, Context<FerretDB> context) {
        return ServerServiceBuilder.client(ferretdb, ServerGroup.SECONDARY);
    }
}

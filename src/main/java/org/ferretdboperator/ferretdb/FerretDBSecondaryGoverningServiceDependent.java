package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import org.ferretdboperator.api.ferretdb.FerretDB;

/** Service {@code <name>-secondary-pods}: headless governing Service of StatefulSet {@code <name>-secondary}. */
public class FerretDBSecondaryGoverningServiceDependent extends CRUDKubernetesDependentResource<Service, FerretDB> {

    @Override
    protected Service desired(FerretDB ferretdb, Context<FerretDB> context) {
        return ServerServiceBuilder.governing(ferretdb, ServerGroup.SECONDARY);
    }
}

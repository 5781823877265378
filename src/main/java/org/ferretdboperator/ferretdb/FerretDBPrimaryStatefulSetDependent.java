package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import org.ferretdboperator.api.ferretdb.FerretDB;

/** StatefulSet {@code <name>}: the FerretDB servers that talk to the backend's primary. */
public class FerretDBPrimaryStatefulSetDependent extends CRUDKubernetesDependentResource<StatefulSet, FerretDB> {

    @Override
    protected StatefulSet desired(FerretDB ferretdb, Context<FerretDB> context) {
        return ServerStatefulSetBuilder.build(ferretdb, ServerGroup.PRIMARY, WorkflowInputs.version(context));
    }
}

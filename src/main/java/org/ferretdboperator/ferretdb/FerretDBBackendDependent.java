package org.ferretdboperator.ferretdb;

import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;

/** The backend Postgres object {@code <name>-pg-backend}, owned by the FerretDB. */
@KubernetesDependent(informer = @Informer(labelSelector = FerretDBLabels.MANAGED_SELECTOR))
public class FerretDBBackendDependent extends CRUDKubernetesDependentResource<Postgres, FerretDB> {

    @Override
    protected Postgres desired(FerretDB ferretdb, Context<FerretDB> context) {
        return BackendPostgresBuilder.build(ferretdb, WorkflowInputs.version(context));
    }
}

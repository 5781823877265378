package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/**
 * The Lease the coordinators elect the primary with, made once with an empty holder and never updated: its spec
 * belongs to the coordinators (compare-and-swap on resourceVersion), so the operator must never write it again. Making
 * it here spares the coordinators the {@code create} verb.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class LeaseDependent extends KubernetesDependentResource<Lease, Postgres>
        implements Creator<Lease, Postgres>, GarbageCollected<Postgres> {

    public LeaseDependent() {
        super(Lease.class);
    }

    @Override
    protected Lease desired(Postgres pg, Context<Postgres> context) {
        return new LeaseBuilder()
                .withMetadata(PostgresObjects.metadata(pg, Names.lease(PostgresObjects.name(pg))))
                .withNewSpec().endSpec()
                .build();
    }
}

package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.contract.PodContract;

/**
 * Headless governing Service {@code <name>-pods}: stable DNS names {@code <pod>.<name>-pods} for every member. It
 * publishes not-ready addresses because members must reach each other (basebackup, rewind, coordinator peers) before
 * any of them is Ready.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class PostgresGoverningServiceDependent extends CRUDKubernetesDependentResource<Service, Postgres> {

    public PostgresGoverningServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(Postgres pg, Context<Postgres> context) {
        String name = PostgresObjects.name(pg);
        return new ServiceBuilder()
                .withMetadata(PostgresObjects.metadata(pg, Names.governing(Names.primaryService(name))))
                .withNewSpec()
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true)
                .withSelector(Labels.postgresSelector(name))
                .withPorts(PostgresServices.postgresPort(),
                        PostgresServices.port(PodContract.COORDINATOR_METRICS_PORT_NAME, PodContract.COORDINATOR_METRICS_PORT))
                .endSpec()
                .build();
    }
}

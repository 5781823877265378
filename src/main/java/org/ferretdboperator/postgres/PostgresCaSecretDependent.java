package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.tls.ManagedCertificates;

/**
 * The CA {@code <name>-ca} that signs this database's server certificate when spec.tls has no issuerRef. Create-only
 * and without owner reference, like the credentials: replacing it would invalidate every certificate clients were
 * told to trust.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class PostgresCaSecretDependent extends KubernetesDependentResource<Secret, Postgres>
        implements Creator<Secret, Postgres> {

    public PostgresCaSecretDependent() {
        super(Secret.class);
    }

    @Override
    protected Secret desired(Postgres pg, Context<Postgres> context) {
        String name = PostgresObjects.name(pg);
        return new SecretBuilder()
                .withMetadata(PostgresObjects.metadata(pg, Names.caSecret(name)))
                .withType("kubernetes.io/tls")
                .withData(ManagedCertificates.newCaData(name, Instant.now()))
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(Postgres pg, Context<Postgres> context) {
        return new ResourceID(Names.caSecret(PostgresObjects.name(pg)), pg.getMetadata().getNamespace());
    }

    /** Reconcile precondition: TLS with certificates the operator keeps. */
    public static class TlsManaged implements Condition<Secret, Postgres> {
        @Override
        public boolean isMet(DependentResource<Secret, Postgres> dependent, Postgres pg, Context<Postgres> context) {
            return PostgresSpecs.tlsManaged(pg);
        }
    }
}

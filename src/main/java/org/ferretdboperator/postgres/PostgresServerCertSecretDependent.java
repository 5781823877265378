package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.Optional;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.tls.ManagedCertificates;
import org.jboss.logging.Logger;

/**
 * The server certificate {@code <name>-server-cert} of every member (see {@link PostgresSpecs#serverDnsNames}),
 * signed by {@code <name>-ca}. Its desired state is the stored one until {@code RenewalJudgement} asks for a new one
 * (renewBefore ahead of expiry, other names, another CA); then a new key and certificate replace it. The reconciler
 * looks at it at least every maxReconciliationInterval (JOSDK's default: 10 hours), so a renewBefore shorter than
 * that may renew late. PostgreSQL reads the new files on its next start or reload (no reload is triggered yet).
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class PostgresServerCertSecretDependent extends KubernetesDependentResource<Secret, Postgres>
        implements Creator<Secret, Postgres>, Updater<Secret, Postgres> {

    private static final Logger LOG = Logger.getLogger(PostgresServerCertSecretDependent.class);

    public PostgresServerCertSecretDependent() {
        super(Secret.class);
    }

    @Override
    protected Secret desired(Postgres pg, Context<Postgres> context) {
        String name = PostgresObjects.name(pg);
        String namespace = pg.getMetadata().getNamespace();
        // read through the API: the CA may have been created a moment ago by the CA dependent of this reconcile
        Secret ca = Optional.ofNullable(context.getClient().secrets().inNamespace(namespace)
                .withName(Names.caSecret(name)).get())
                .orElseThrow(() -> new IllegalStateException("Secret " + Names.caSecret(name) + " not found yet"));
        Optional<Secret> current = Optional.ofNullable(context.getClient().secrets().inNamespace(namespace)
                .withName(Names.serverCertSecret(name)).get());
        ManagedCertificates.Outcome outcome = ManagedCertificates.serverData(current, ManagedCertificates.readCa(ca), name,
                PostgresSpecs.serverDnsNames(pg), ManagedCertificates.serverLifetimes(pg.getSpec().getTls()), Instant.now());
        if (outcome.verdict() instanceof org.ferretdboperator.tls.RenewalJudgement.Issue issue) {
            LOG.infof("Postgres %s/%s: issuing %s: %s", namespace, name, Names.serverCertSecret(name), issue.reason());
        }
        return new SecretBuilder()
                .withMetadata(PostgresObjects.metadata(pg, Names.serverCertSecret(name)))
                .withType("kubernetes.io/tls")
                .withData(outcome.data())
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(Postgres pg, Context<Postgres> context) {
        return new ResourceID(Names.serverCertSecret(PostgresObjects.name(pg)), pg.getMetadata().getNamespace());
    }
}

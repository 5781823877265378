package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.tls.ManagedCertificates;

/**
 * The FerretDB servers' certificate {@code <name>-server-cert}, signed by {@code <name>-ca} and renewed as
 * {@code RenewalJudgement} says (as {@code PostgresServerCertSecretDependent} does for the backend). A running server
 * keeps the certificate it started with until it restarts (no rolling restart on renewal yet).
 */
@KubernetesDependent(informer = @Informer(labelSelector = FerretDBLabels.MANAGED_SELECTOR))
public class FerretDBServerCertSecretDependent extends KubernetesDependentResource<Secret, FerretDB>
        implements Creator<Secret, FerretDB>, Updater<Secret, FerretDB>, SecondaryToPrimaryMapper<Secret> {

    @Override
    protected Secret desired(FerretDB ferretdb, Context<FerretDB> context) {
        String name = ferretdb.getMetadata().getName();
        String namespace = ferretdb.getMetadata().getNamespace();
        Secret ca = Optional.ofNullable(context.getClient().secrets().inNamespace(namespace).withName(Names.caSecret(name)).get())
                .orElseThrow(() -> new IllegalStateException("Secret " + Names.caSecret(name) + " not found yet"));
        Optional<Secret> current = Optional.ofNullable(context.getClient().secrets().inNamespace(namespace)
                .withName(Names.serverCertSecret(name)).get());
        ManagedCertificates.Outcome outcome = ManagedCertificates.serverData(current, ManagedCertificates.readCa(ca), name,
                ServerTls.serverDnsNames(ferretdb), ManagedCertificates.serverLifetimes(ferretdb.getSpec().getTls()),
                Instant.now());
        return new SecretBuilder()
                .withNewMetadata().withName(Names.serverCertSecret(name)).withNamespace(namespace)
                .withLabels(FerretDBLabels.of(ferretdb)).endMetadata()
                .withType("kubernetes.io/tls")
                .withData(outcome.data())
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(FerretDB ferretdb, Context<FerretDB> context) {
        return new ResourceID(Names.serverCertSecret(ferretdb.getMetadata().getName()), ferretdb.getMetadata().getNamespace());
    }

    @Override
    public Set<ResourceID> toPrimaryResourceIDs(Secret secret) {
        String instance = secret.getMetadata().getLabels() == null ? null
                : secret.getMetadata().getLabels().get(Labels.INSTANCE);
        return instance == null ? Set.of() : Set.of(new ResourceID(instance, secret.getMetadata().getNamespace()));
    }
}

package org.ferretdboperator.ferretdb;

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
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.time.Instant;
import java.util.Set;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.tls.ManagedCertificates;

/**
 * The CA {@code <name>-ca} that signs the FerretDB servers' certificate (clients trust its {@code ca.crt}).
 * Create-only and without owner reference, like the auth Secret.
 */
@KubernetesDependent(informer = @Informer(labelSelector = FerretDBLabels.MANAGED_SELECTOR))
public class FerretDBCaSecretDependent extends KubernetesDependentResource<Secret, FerretDB>
        implements Creator<Secret, FerretDB>, SecondaryToPrimaryMapper<Secret> {

    @Override
    protected Secret desired(FerretDB ferretdb, Context<FerretDB> context) {
        String name = ferretdb.getMetadata().getName();
        return new SecretBuilder()
                .withNewMetadata().withName(Names.caSecret(name)).withNamespace(ferretdb.getMetadata().getNamespace())
                .withLabels(FerretDBLabels.of(ferretdb)).endMetadata()
                .withType("kubernetes.io/tls")
                .withData(ManagedCertificates.newCaData(name, Instant.now()))
                .build();
    }

    @Override
    protected ResourceID targetSecondaryResourceID(FerretDB ferretdb, Context<FerretDB> context) {
        return new ResourceID(Names.caSecret(ferretdb.getMetadata().getName()), ferretdb.getMetadata().getNamespace());
    }

    @Override
    public Set<ResourceID> toPrimaryResourceIDs(Secret secret) {
        String instance = secret.getMetadata().getLabels() == null ? null
                : secret.getMetadata().getLabels().get(Labels.INSTANCE);
        return instance == null ? Set.of() : Set.of(new ResourceID(instance, secret.getMetadata().getNamespace()));
    }

    /** Reconcile precondition: requireSSL with certificates the operator keeps. */
    public static class TlsManaged implements Condition<Secret, FerretDB> {
        @Override
        public boolean isMet(DependentResource<Secret, FerretDB> dependent, FerretDB ferretdb, Context<FerretDB> context) {
            return ServerTls.managed(ferretdb);
        }
    }
}

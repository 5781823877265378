package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import java.security.SecureRandom;
import java.util.Set;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/**
 * The generated auth Secret {@code <name>-auth}. Created once and never updated, so the password is never
 * regenerated. It deliberately carries no owner reference: deleting the FerretDB with deletionPolicy Halt or Delete
 * must keep it (KubeDB's meaning), and only WipeOut removes it, explicitly, in the cleaner. Without an owner
 * reference the Secret is mapped back to its FerretDB by the instance label.
 */
@KubernetesDependent(informer = @Informer(labelSelector = FerretDBLabels.MANAGED_SELECTOR))
public class FerretDBAuthSecretDependent extends KubernetesDependentResource<Secret, FerretDB>
        implements Creator<Secret, FerretDB>, SecondaryToPrimaryMapper<Secret> {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    protected Secret desired(FerretDB ferretdb, Context<FerretDB> context) {
        return GeneratedAuthSecret.build(ferretdb, RANDOM);
    }

    /** Finding the Secret needs only its name; computing desired() here would draw a password on every reconcile. */
    @Override
    protected ResourceID targetSecondaryResourceID(FerretDB ferretdb, Context<FerretDB> context) {
        return new ResourceID(Names.ferretdbAuthSecret(ferretdb.getMetadata().getName()),
                ferretdb.getMetadata().getNamespace());
    }

    @Override
    public Set<ResourceID> toPrimaryResourceIDs(Secret secret) {
        String instance = secret.getMetadata().getLabels() == null ? null
                : secret.getMetadata().getLabels().get(Labels.INSTANCE);
        return instance == null ? Set.of() : Set.of(new ResourceID(instance, secret.getMetadata().getNamespace()));
    }

    /** Generated only when the user names no Secret of their own. */
    public static class Generated implements Condition<Secret, FerretDB> {
        @Override
        public boolean isMet(DependentResource<Secret, FerretDB> dependent, FerretDB ferretdb,
                Context<FerretDB> context) {
            return FerretDBDefaults.userAuthSecretName(ferretdb).isEmpty();
        }
    }
}

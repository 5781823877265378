package org.ferretdboperator.ferretdb;

import org.ferretdboperator.status.Conditions;
import org.ferretdboperator.status.EventRecorder;
import org.ferretdboperator.status.StatusWriter;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.ferretdb.FerretDBStatus;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/**
 * What deleting a FerretDB does, by {@code spec.deletionPolicy} (KubeDB's meanings):
 * <ul>
 * <li>DoNotTerminate: nothing; the finalizer stays, and a Warning event and a DeletionBlocked condition say how to
 * proceed. Changing the policy later lets the deletion finish.</li>
 * <li>Halt: the servers go; the backend Postgres is deleted with policy Halt, so its reconciler keeps the PVCs and
 * Secrets; {@code <name>-auth} stays.</li>
 * <li>Delete: as Halt, but the backend goes with policy Delete (PVCs removed, Secrets kept).</li>
 * <li>WipeOut: everything, including the generated {@code <name>-auth}. A Secret the user named is never deleted.</li>
 * </ul>
 * The operator deletes its children itself rather than waiting for the garbage collector, so the backend's policy is
 * certain to be the one in force when its deletion starts.
 */
final class FerretDBDeletion {

    private FerretDBDeletion() {
    }

    static DeleteControl cleanup(FerretDB ferretdb, Context<FerretDB> context) {
        DeletionPolicy policy = FerretDBDefaults.deletionPolicy(ferretdb);
        if (policy == DeletionPolicy.DO_NOT_TERMINATE) {
            block(ferretdb, context);
            return DeleteControl.noFinalizerRemoval();
        }
        KubernetesClient client = context.getClient();
        String namespace = ferretdb.getMetadata().getNamespace();
        for (ServerGroup group : ServerGroup.values()) {
            client.apps().statefulSets().inNamespace(namespace).withName(group.statefulSetName(ferretdb)).delete();
            client.services().inNamespace(namespace).withName(group.clientServiceName(ferretdb)).delete();
            client.services().inNamespace(namespace).withName(group.governingServiceName(ferretdb)).delete();
        }
        deleteBackend(client, ferretdb, policy);
        if (policy == DeletionPolicy.WIPE_OUT && FerretDBDefaults.userAuthSecretName(ferretdb).isEmpty()) {
            deleteGeneratedSecret(client, ferretdb, Names.ferretdbAuthSecret(ferretdb.getMetadata().getName()));
        }
        if (policy == DeletionPolicy.WIPE_OUT) {
            deleteGeneratedSecret(client, ferretdb, Names.caSecret(ferretdb.getMetadata().getName()));
            deleteGeneratedSecret(client, ferretdb, Names.serverCertSecret(ferretdb.getMetadata().getName()));
        }
        return DeleteControl.defaultDelete();
    }

    private static void deleteBackend(KubernetesClient client, FerretDB ferretdb, DeletionPolicy policy) {
        var backend = client.resources(Postgres.class).inNamespace(ferretdb.getMetadata().getNamespace())
                .withName(Names.backend(ferretdb.getMetadata().getName()));
        Postgres current = backend.get();
        if (current == null) {
            return;
        }
        if (current.getSpec() != null && current.getSpec().getDeletionPolicy() != policy) {
            backend.edit(postgres -> {
                postgres.getSpec().setDeletionPolicy(policy);
                return postgres;
            });
        }
        backend.delete();
    }

    /** Only a Secret this operator generated for this FerretDB (by name and labels), never a user's. */
    private static void deleteGeneratedSecret(KubernetesClient client, FerretDB ferretdb, String name) {
        var resource = client.secrets().inNamespace(ferretdb.getMetadata().getNamespace()).withName(name);
        Secret secret = resource.get();
        if (secret == null) {
            return;
        }
        Map<String, String> labels = secret.getMetadata().getLabels();
        if (labels != null && Labels.MANAGED_BY_VALUE.equals(labels.get(Labels.MANAGED_BY))
                && ferretdb.getMetadata().getName().equals(labels.get(Labels.INSTANCE))) {
            resource.delete();
        }
    }

    private static void block(FerretDB ferretdb, Context<FerretDB> context) {
        String message = "deletion is blocked by spec.deletionPolicy DoNotTerminate; set spec.deletionPolicy to "
                + "Halt, Delete or WipeOut to let the deletion finish";
        List<Condition> previous = ferretdb.getStatus() == null ? List.of() : ferretdb.getStatus().getConditions();
        if (Conditions.isTrue(previous, Conditions.DELETION_BLOCKED)) {
            return; // already announced; events for every retry would only be noise
        }
        new EventRecorder(context.getClient()).warning(ferretdb, Conditions.DELETION_BLOCKED, message);
        FerretDBStatus status = new FerretDBStatus();
        status.setPhase(ferretdb.getStatus() == null ? null : ferretdb.getStatus().getPhase());
        status.setObservedGeneration(ferretdb.getStatus() == null ? null : ferretdb.getStatus().getObservedGeneration());
        status.setConditions(new Conditions(previous, ferretdb.getMetadata().getGeneration(), Instant.now())
                .keepAll()
                .set(Conditions.DELETION_BLOCKED, true, Conditions.REASON_DO_NOT_TERMINATE, message)
                .list());
        StatusWriter.write(ferretdb, status, context, FerretDB::new);
    }
}

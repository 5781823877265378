package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.api.postgres.PostgresStatus;
import org.ferretdboperator.status.Conditions;
import org.ferretdboperator.status.EventRecorder;
import org.ferretdboperator.status.StatusWriter;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.contract.PodContract;
import org.jboss.logging.Logger;

/**
 * What deleting a Postgres object removes, by spec.deletionPolicy (KubeDB's meanings):
 * <ul>
 * <li>DoNotTerminate: nothing; the finalizer stays and a Warning event says why (the ValidatingAdmissionPolicy in
 * kubernetes/admission normally refuses the DELETE before it gets here);</li>
 * <li>Halt: the workloads; PVCs and Secrets stay, so a new object of the same name comes back with its data;</li>
 * <li>Delete: the workloads and the data PVCs; the Secrets stay;</li>
 * <li>WipeOut: everything the operator made, Secrets included. Secrets the user provided are never deleted.</li>
 * </ul>
 * Deletions are explicit rather than left to the garbage collector, so their order (workloads before data) does not
 * depend on it, and the generated Secrets carry no owner reference for the collector to follow.
 */
final class PostgresDeletion {

    private static final Logger LOG = Logger.getLogger(PostgresDeletion.class);

    private final Context<Postgres> context;
    private final KubernetesClient client;

    PostgresDeletion(Context<Postgres> context) {
        this.context = context;
        this.client = context.getClient();
    }

    DeleteControl cleanup(Postgres pg) {
        DeletionPolicy policy = PostgresSpecs.deletionPolicy(pg);
        if (policy == DeletionPolicy.DO_NOT_TERMINATE) {
            block(pg);
            return DeleteControl.noFinalizerRemoval();
        }
        deleteWorkloads(pg);
        if (policy == DeletionPolicy.DELETE || policy == DeletionPolicy.WIPE_OUT) {
            deleteData(pg);
        }
        if (policy == DeletionPolicy.WIPE_OUT) {
            deleteSecrets(pg);
        }
        return DeleteControl.defaultDelete();
    }

    private void block(Postgres pg) {
        PostgresStatus previous = pg.getStatus() == null ? new PostgresStatus() : pg.getStatus();
        if (Conditions.isTrue(previous.getConditions(), Conditions.DELETION_BLOCKED)) {
            return; // already announced; events for every retry would only be noise
        }
        String message = "Deletion of Postgres " + pg.getMetadata().getNamespace() + "/" + pg.getMetadata().getName()
                + " is blocked because spec.deletionPolicy is DoNotTerminate; set spec.deletionPolicy to Halt, Delete"
                + " or WipeOut to let it proceed";
        new EventRecorder(client).warning(pg, Conditions.DELETION_BLOCKED, message);
        PostgresStatus status = new PostgresStatus();
        status.setObservedGeneration(previous.getObservedGeneration());
        status.setPhase(previous.getPhase());
        status.setPrimary(previous.getPrimary());
        status.setConditions(new Conditions(previous.getConditions(), pg.getMetadata().getGeneration(), Instant.now())
                .keepAll()
                .set(Conditions.DELETION_BLOCKED, true, Conditions.REASON_DO_NOT_TERMINATE, message)
                .list());
        StatusWriter.write(pg, status, context, Postgres::new);
    }

    private void deleteWorkloads(Postgres pg) {
        String name = pg.getMetadata().getName();
        String sts = Names.primaryService(name);
        deleteIfOwned(pg, StatefulSet.class, sts);
        deleteIfOwned(pg, PodDisruptionBudget.class, sts);
        deleteIfOwned(pg, Service.class, Names.primaryService(name));
        deleteIfOwned(pg, Service.class, Names.standbyService(name));
        deleteIfOwned(pg, Service.class, Names.governing(sts));
        deleteIfOwned(pg, ConfigMap.class, Names.runnerConfigMap(name));
        deleteIfOwned(pg, Lease.class, Names.lease(name));
        deleteIfOwned(pg, RoleBinding.class, Names.coordinatorAccount(name));
        deleteIfOwned(pg, Role.class, Names.coordinatorAccount(name));
        deleteIfOwned(pg, ServiceAccount.class, Names.coordinatorAccount(name));
    }

    /** The data PVCs of every ordinal the StatefulSet ever had: matched by the StatefulSet's naming and our labels. */
    private void deleteData(Postgres pg) {
        String sts = Names.primaryService(pg.getMetadata().getName());
        var claims = client.persistentVolumeClaims().inNamespace(pg.getMetadata().getNamespace())
                .withLabels(Labels.postgresSelector(pg.getMetadata().getName()))
                .list().getItems();
        Pattern dataClaim = Pattern.compile(Pattern.quote(PodContract.DATA_VOLUME + "-" + sts + "-") + "[0-9]+");
        for (PersistentVolumeClaim claim : claims) {
            String claimName = claim.getMetadata().getName();
            if (dataClaim.matcher(claimName).matches()) {
                LOG.infof("Deleting PVC %s/%s (deletionPolicy %s)", claim.getMetadata().getNamespace(), claimName,
                        PostgresSpecs.deletionPolicy(pg));
                client.resource(claim).delete();
            }
        }
    }

    private void deleteSecrets(Postgres pg) {
        String name = pg.getMetadata().getName();
        deleteIfGenerated(pg, Names.replicationSecret(name));
        deleteIfGenerated(pg, Names.caSecret(name));
        deleteIfGenerated(pg, Names.serverCertSecret(name));
        if (PostgresSpecs.authSecretGenerated(pg)) {
            deleteIfGenerated(pg, Names.postgresAuthSecret(name));
        }
    }

    /** Only a Secret the operator generated for this very object: our label and JOSDK's primary annotations. */
    private void deleteIfGenerated(Postgres pg, String secretName) {
        Secret secret = client.secrets().inNamespace(pg.getMetadata().getNamespace()).withName(secretName).get();
        if (secret == null) {
            return;
        }
        var labels = secret.getMetadata().getLabels();
        var annotations = secret.getMetadata().getAnnotations();
        boolean ours = labels != null && Labels.MANAGED_BY_VALUE.equals(labels.get(Labels.MANAGED_BY))
                && annotations != null
                && pg.getMetadata().getName().equals(annotations.get(Mappers.DEFAULT_ANNOTATION_FOR_NAME));
        if (ours) {
            client.resource(secret).delete();
        } else {
            LOG.infof("Keeping Secret %s/%s: not generated by the operator for this object",
                    pg.getMetadata().getNamespace(), secretName);
        }
    }

    private <T extends HasMetadata> void deleteIfOwned(Postgres pg, Class<T> type, String name) {
        T object = client.resources(type).inNamespace(pg.getMetadata().getNamespace()).withName(name).get();
        if (object != null && object.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> Objects.equals(o.getUid(), pg.getMetadata().getUid()))) {
            client.resource(object).delete();
        }
    }
}

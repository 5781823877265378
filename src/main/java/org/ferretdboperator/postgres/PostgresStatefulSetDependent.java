package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicyBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.StorageType;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.contract.PodContract;

/**
 * StatefulSet {@code <name>}: the members, created all at once (Parallel: the coordinators, not the StatefulSet
 * controller, order bootstrap), scaled to zero while halted. The data PVCs stay when the StatefulSet goes away; only
 * the deletion of the Postgres object removes them, as spec.deletionPolicy says.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.POSTGRES_OWNED_SELECTOR))
public class PostgresStatefulSetDependent extends CRUDKubernetesDependentResource<StatefulSet, Postgres> {

    @Inject
    OperatorImageConfig operatorImage;

    public PostgresStatefulSetDependent() {
        super(StatefulSet.class);
    }

    @Override
    protected StatefulSet desired(Postgres pg, Context<Postgres> context) {
        boolean archiverCa = PostgresSpecs.archiverSecret(pg)
                .flatMap(secret -> ReferencedSecrets.lookup(context, pg.getMetadata().getNamespace(), secret))
                .map(PostgresSpecValidator::hasArchiverCa)
                .orElse(false);
        return desired(pg, operatorImage.image(), context.getSecondaryResource(StatefulSet.class), archiverCa);
    }

    static StatefulSet desired(Postgres pg, String coordinatorImage, Optional<StatefulSet> existing) {
        return desired(pg, coordinatorImage, existing, false);
    }

    /**
     * @param existing the StatefulSet as it is, if any: its volumeClaimTemplates are immutable, so they are kept as
     *                 created (see {@link PostgresStatusBuilder} for the condition that reports a spec change there)
     * @param archiverCa the archiver's Secret holds a CA bundle for the endpoint
     */
    static StatefulSet desired(Postgres pg, String coordinatorImage, Optional<StatefulSet> existing, boolean archiverCa) {
        String name = PostgresObjects.name(pg);
        List<PersistentVolumeClaim> claimTemplates = existing
                .map(sts -> sts.getSpec().getVolumeClaimTemplates().stream().map(PostgresStatefulSetDependent::withoutStatus).toList())
                .orElseGet(() -> claimTemplates(pg));
        var template = PostgresPodTemplate.build(pg, coordinatorImage, archiverCa);
        if (existing.isPresent()) {
            // The data volume's source was fixed at creation as well: a claim template, or an emptyDir.
            boolean hasClaim = claimTemplates.stream().anyMatch(c -> PodContract.DATA_VOLUME.equals(c.getMetadata().getName()));
            template.getSpec().getVolumes().removeIf(v -> PodContract.DATA_VOLUME.equals(v.getName()));
            if (!hasClaim) {
                template.getSpec().getVolumes().add(0, new VolumeBuilder()
                        .withName(PodContract.DATA_VOLUME).withNewEmptyDir().endEmptyDir().build());
            }
        }
        return new StatefulSetBuilder()
                .withMetadata(PostgresObjects.metadata(pg, Names.primaryService(name)))
                .withNewSpec()
                .withReplicas(PostgresSpecs.runningReplicas(pg))
                .withServiceName(Names.governing(Names.primaryService(name)))
                .withPodManagementPolicy("Parallel")
                .withNewSelector().withMatchLabels(Labels.postgresSelector(name)).endSelector()
                .withTemplate(template)
                .withVolumeClaimTemplates(claimTemplates)
                .withPersistentVolumeClaimRetentionPolicy(retentionPolicy(PostgresSpecs.deletionPolicy(pg)))
                .endSpec()
                .build();
    }

    static List<PersistentVolumeClaim> claimTemplates(Postgres pg) {
        if (PostgresSpecs.storageType(pg) == StorageType.EPHEMERAL) {
            return List.of();
        }
        PersistentVolumeClaimSpec storage = pg.getSpec() == null ? null : pg.getSpec().getStorage();
        PersistentVolumeClaimSpec spec = storage != null
                ? new PersistentVolumeClaimSpecBuilder(storage).build()
                : new PersistentVolumeClaimSpecBuilder()
                        .withAccessModes("ReadWriteOnce")
                        .withNewResources().addToRequests("storage", PostgresSpecs.DEFAULT_STORAGE).endResources()
                        .build();
        if (spec.getAccessModes() == null || spec.getAccessModes().isEmpty()) {
            spec.setAccessModes(List.of("ReadWriteOnce"));
        }
        var labels = new HashMap<>(Labels.postgresOwned(PostgresObjects.name(pg)));
        labels.put(Labels.COMPONENT, Labels.COMPONENT_DATABASE);
        return List.of(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(PodContract.DATA_VOLUME).withLabels(labels).endMetadata()
                .withSpec(spec)
                .build());
    }

    /**
     * The data PVCs outlive the StatefulSet whatever the deletion policy: only deleting the Postgres object may take
     * the data ({@link PostgresDeletion} deletes the claims itself for Delete and WipeOut), never a {@code kubectl
     * delete sts} or a GitOps prune of the StatefulSet alone. Scaling down keeps them too.
     */
    static StatefulSetPersistentVolumeClaimRetentionPolicy retentionPolicy(DeletionPolicy policy) {
        return new StatefulSetPersistentVolumeClaimRetentionPolicyBuilder()
                .withWhenDeleted("Retain")
                .withWhenScaled("Retain")
                .build();
    }

    /** The storage request the StatefulSet was created with, if it has a data claim template. */
    static Optional<Quantity> createdStorageRequest(StatefulSet sts) {
        return sts.getSpec().getVolumeClaimTemplates().stream()
                .filter(c -> PodContract.DATA_VOLUME.equals(c.getMetadata().getName()))
                .findFirst()
                .map(c -> c.getSpec().getResources() == null || c.getSpec().getResources().getRequests() == null
                        ? null
                        : c.getSpec().getResources().getRequests().get("storage"));
    }

    private static PersistentVolumeClaim withoutStatus(PersistentVolumeClaim claim) {
        return new PersistentVolumeClaimBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(claim.getMetadata().getName())
                        .withLabels(claim.getMetadata().getLabels())
                        .withAnnotations(claim.getMetadata().getAnnotations())
                        .build())
                .withSpec(claim.getSpec())
                .build();
    }
}

package org.ferretdboperator.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.Validation;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.Prerequisite;
import org.ferretdboperator.testsupport.RequiresControlPlane;
import org.ferretdboperator.testsupport.ShippedManifests;
import org.ferretdboperator.testsupport.TestNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Deleting a FerretDB object removes its children through the real garbage collector, as its deletionPolicy says:
 * WipeOut removes everything, Delete keeps the Secrets, Halt keeps the PVCs (the data) and the Secrets, and
 * DoNotTerminate makes the API server refuse the deletion. "Kept" means still there, and no longer owned by a deleted
 * object, so the garbage collector will not remove it later either.
 */
@RequiresControlPlane
@QuarkusTest
@TestProfile(OperatorUnderTest.class)
class DeletionPolicyIT {

    private static final Map<DeletionPolicy, String> NAMESPACES = Map.of(
            DeletionPolicy.WIPE_OUT, "policy-wipeout",
            DeletionPolicy.DELETE, "policy-delete",
            DeletionPolicy.HALT, "policy-halt",
            DeletionPolicy.DO_NOT_TERMINATE, "policy-donotterminate");

    private static LocalControlPlane controlPlane;
    private static final Map<DeletionPolicy, FerretDB> seeds = new java.util.EnumMap<>(DeletionPolicy.class);

    /** What existed before the deletion: the objects and the uids of the owners that go away. */
    record Before(Set<String> secrets, Set<String> claims, Set<String> ownerUids) {
    }

    @BeforeAll
    static void createOneSeedPerPolicy() {
        controlPlane = LocalControlPlane.shared();
        ForbiddenRequests.collect();
        KubernetesClient admin = controlPlane.admin();
        // All four reconcile at once; each test then waits only for its own.
        NAMESPACES.forEach((policy, namespace) -> {
            TestNamespaces.create(admin, namespace);
            seeds.put(policy, admin.resource(Seed.in(admin, controlPlane.projectDir(), namespace, policy)).create());
        });
    }

    @AfterAll
    static void cleanUp() {
        if (controlPlane == null) {
            return;
        }
        FerretDB guarded = seeds.get(DeletionPolicy.DO_NOT_TERMINATE);
        if (guarded != null) {
            // Lift the guard so the namespace can go.
            String namespace = guarded.getMetadata().getNamespace();
            String name = guarded.getMetadata().getName();
            controlPlane.kubectl("patch", "fr", name, "-n", namespace, "--type=merge", "-p", "{\"spec\":{\"deletionPolicy\":\"WipeOut\"}}");
            controlPlane.kubectl("patch", "pg", Names.backend(name), "-n", namespace, "--type=merge", "-p",
                    "{\"spec\":{\"deletionPolicy\":\"WipeOut\"}}");
        }
        NAMESPACES.values().forEach(namespace -> TestNamespaces.deleteLater(controlPlane.admin(), namespace));
    }

    @Test
    void wipeOutRemovesEverything() {
        Before before = reconcileThenDelete(DeletionPolicy.WIPE_OUT);
        String namespace = NAMESPACES.get(DeletionPolicy.WIPE_OUT);

        OperatorAwait.until(namespace, () -> {
            assertWorkloadGone(DeletionPolicy.WIPE_OUT);
            assertThat(secretNames(namespace)).as("Secrets").doesNotContainAnyElementsOf(before.secrets());
            assertThat(claimNames(namespace)).as("PersistentVolumeClaims").isEmpty();
        });
    }

    @Test
    void deleteKeepsTheSecrets() {
        Before before = reconcileThenDelete(DeletionPolicy.DELETE);
        String namespace = NAMESPACES.get(DeletionPolicy.DELETE);

        OperatorAwait.until(namespace, () -> {
            assertWorkloadGone(DeletionPolicy.DELETE);
            assertThat(claimNames(namespace)).as("PersistentVolumeClaims").isEmpty();
        });
        assertKept(namespace, controlPlane.admin().secrets().inNamespace(namespace).list().getItems(), before.secrets(), before);
    }

    @Test
    void haltKeepsTheDataAndTheSecrets() {
        Before before = reconcileThenDelete(DeletionPolicy.HALT);
        String namespace = NAMESPACES.get(DeletionPolicy.HALT);

        OperatorAwait.until(namespace, () -> assertWorkloadGone(DeletionPolicy.HALT));
        assertKept(namespace, controlPlane.admin().secrets().inNamespace(namespace).list().getItems(), before.secrets(), before);
        assertKept(namespace, controlPlane.admin().persistentVolumeClaims().inNamespace(namespace).list().getItems(),
                before.claims(), before);
    }

    @Test
    void doNotTerminateRefusesTheDeletion() {
        Prerequisite.require(Files.isDirectory(controlPlane.projectDir().resolve(ShippedManifests.ADMISSION)),
                ShippedManifests.ADMISSION + " (the DoNotTerminate admission policy) does not exist yet");
        FerretDB seed = seeds.get(DeletionPolicy.DO_NOT_TERMINATE);
        String namespace = seed.getMetadata().getNamespace();
        String name = seed.getMetadata().getName();
        awaitReconciled(DeletionPolicy.DO_NOT_TERMINATE);
        // A freshly installed policy takes effect once the API server has loaded it; a dry run shows when.
        OperatorAwait.until(namespace, () -> assertThat(
                controlPlane.kubectl("delete", "fr", name, "-n", namespace, "--dry-run=server").succeeded())
                .as("server-side dry-run deletion is refused").isFalse());

        Command.Result deletion = controlPlane.kubectl("delete", "fr", name, "-n", namespace);

        assertThat(deletion.exitCode()).as(deletion.describe()).isNotZero();
        assertThat(deletion.stderr()).contains("ValidatingAdmissionPolicy").contains("denied request");
        List<String> policyMessages = admissionPolicyMessages();
        if (!policyMessages.isEmpty()) {
            assertThat(policyMessages).as("the policy's message in: %s", deletion.stderr())
                    .anySatisfy(message -> assertThat(deletion.stderr()).contains(message));
        }
        FerretDB after = controlPlane.admin().resources(FerretDB.class).inNamespace(namespace).withName(name).get();
        assertThat(after).as("FerretDB %s after the refused deletion", name).isNotNull();
        assertThat(after.getMetadata().getDeletionTimestamp()).isNull();

        Postgres backend = controlPlane.admin().resources(Postgres.class).inNamespace(namespace).withName(Names.backend(name)).get();
        if (backend.getSpec().getDeletionPolicy() == DeletionPolicy.DO_NOT_TERMINATE) {
            Command.Result backendDeletion = controlPlane.kubectl("delete", "pg", Names.backend(name), "-n", namespace);
            assertThat(backendDeletion.exitCode()).as(backendDeletion.describe()).isNotZero();
            assertThat(controlPlane.admin().resources(Postgres.class).inNamespace(namespace).withName(Names.backend(name))
                    .get().getMetadata().getDeletionTimestamp()).isNull();
        }
    }

    /** Waits until the seed is fully reconciled (including the PVCs of its backend pods), records it, deletes it. */
    private static Before reconcileThenDelete(DeletionPolicy policy) {
        FerretDB seed = seeds.get(policy);
        String namespace = seed.getMetadata().getNamespace();
        awaitReconciled(policy);
        KubernetesClient admin = controlPlane.admin();
        Set<String> ownerUids = new HashSet<>();
        ownerUids.add(seed.getMetadata().getUid());
        ownerUids.add(admin.resources(Postgres.class).inNamespace(namespace).withName(Names.backend(seed.getMetadata().getName()))
                .get().getMetadata().getUid());
        admin.apps().statefulSets().inNamespace(namespace).list().getItems().forEach(s -> ownerUids.add(s.getMetadata().getUid()));
        Before before = new Before(secretNames(namespace), claimNames(namespace), ownerUids);
        assertThat(before.secrets()).as("Secrets the operator created").isNotEmpty();

        Command.Result deletion = controlPlane.kubectl("delete", "fr", seed.getMetadata().getName(), "-n", namespace,
                "--timeout=120s");
        assertThat(deletion.exitCode()).as(deletion.describe()).isZero();
        return before;
    }

    private static void awaitReconciled(DeletionPolicy policy) {
        FerretDB seed = seeds.get(policy);
        String namespace = seed.getMetadata().getNamespace();
        int backendReplicas = seed.getSpec().getBackend().getReplicas();
        OperatorAwait.until(namespace, () -> {
            assertThat(podNames(namespace)).containsAll(Seed.podNames(seed));
            assertThat(claimNames(namespace)).as("PVCs of the backend pods").hasSize(backendReplicas);
        });
    }

    private static void assertWorkloadGone(DeletionPolicy policy) {
        FerretDB seed = seeds.get(policy);
        String namespace = seed.getMetadata().getNamespace();
        KubernetesClient admin = controlPlane.admin();
        assertThat(admin.resources(FerretDB.class).inNamespace(namespace).list().getItems()).as("FerretDB objects").isEmpty();
        assertThat(admin.resources(Postgres.class).inNamespace(namespace).list().getItems()).as("Postgres objects").isEmpty();
        assertThat(admin.apps().statefulSets().inNamespace(namespace).list().getItems()).as("StatefulSets").isEmpty();
        assertThat(podNames(namespace)).as("pods").isEmpty();
        assertThat(admin.services().inNamespace(namespace).list().getItems()).as("Services").isEmpty();
    }

    /** Still there after the workload is gone, and owned by nothing that was deleted (so the GC leaves it alone). */
    private static void assertKept(String namespace, List<? extends HasMetadata> now, Set<String> before, Before owners) {
        assertThat(now.stream().map(o -> o.getMetadata().getName()).collect(Collectors.toSet()))
                .as("kept in %s", namespace).containsAll(before);
        for (HasMetadata object : now) {
            assertThat(object.getMetadata().getOwnerReferences().stream().map(ref -> ref.getUid()))
                    .as("owners of kept %s %s", object.getKind(), object.getMetadata().getName())
                    .doesNotContainAnyElementsOf(owners.ownerUids());
        }
    }

    /** The static messages of the shipped ValidatingAdmissionPolicies (none when they use messageExpression). */
    private static List<String> admissionPolicyMessages() {
        KubernetesClient admin = controlPlane.admin();
        return ShippedManifests.load(admin, controlPlane.projectDir().resolve(ShippedManifests.ADMISSION)).stream()
                .filter(o -> "ValidatingAdmissionPolicy".equals(o.getKind()))
                .map(o -> admin.getKubernetesSerialization().convertValue(o, ValidatingAdmissionPolicy.class))
                .flatMap(policy -> policy.getSpec().getValidations().stream())
                .map(Validation::getMessage).filter(Objects::nonNull).toList();
    }

    private static Set<String> secretNames(String namespace) {
        return controlPlane.admin().secrets().inNamespace(namespace).list().getItems().stream()
                .filter(s -> !"kubernetes.io/service-account-token".equals(s.getType()))
                .map(Secret::getMetadata).map(m -> m.getName()).collect(Collectors.toSet());
    }

    private static Set<String> claimNames(String namespace) {
        return controlPlane.admin().persistentVolumeClaims().inNamespace(namespace).list().getItems().stream()
                .map(PersistentVolumeClaim::getMetadata).map(m -> m.getName()).collect(Collectors.toSet());
    }

    private static List<String> podNames(String namespace) {
        return controlPlane.admin().pods().inNamespace(namespace).list().getItems().stream()
                .map(p -> p.getMetadata().getName()).toList();
    }
}

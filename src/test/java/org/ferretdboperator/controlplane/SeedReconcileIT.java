package org.ferretdboperator.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.authentication.SelfSubjectReview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.RequiresControlPlane;
import org.ferretdboperator.testsupport.TestNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator, running with nothing but the shipped RBAC and Server-Side Apply on, turns the guide's object into the
 * guide's StatefulSets, and the real StatefulSet controller creates the guide's pods (they stay Pending: no nodes).
 * A request the API server refuses for the operator's ServiceAccount fails the test with the API server's message.
 */
@RequiresControlPlane
@QuarkusTest
@TestProfile(OperatorUnderTest.class)
class SeedReconcileIT {

    static final String NAMESPACE = "seed-reconcile";

    @Inject
    KubernetesClient operatorClient;

    private static LocalControlPlane controlPlane;
    private static FerretDB seed;

    @BeforeAll
    static void createTheSeed() {
        controlPlane = LocalControlPlane.shared();
        ForbiddenRequests.collect();
        KubernetesClient admin = controlPlane.admin();
        TestNamespaces.create(admin, NAMESPACE);
        seed = admin.resource(Seed.in(admin, controlPlane.projectDir(), NAMESPACE, DeletionPolicy.WIPE_OUT)).create();
    }

    @AfterAll
    static void cleanUp() {
        if (controlPlane != null) {
            TestNamespaces.deleteLater(controlPlane.admin(), NAMESPACE);
        }
    }

    @Test
    void operatorAuthenticatesAsItsServiceAccount() {
        SelfSubjectReview review = operatorClient.authentication().v1().selfSubjectReviews().create(new SelfSubjectReview());

        assertThat(review.getStatus().getUserInfo().getUsername())
                .isEqualTo("system:serviceaccount:ferretdb-operator-system:ferretdb-operator");
        assertThat(review.getStatus().getUserInfo().getGroups()).doesNotContain("system:masters");
    }

    @Test
    void seedGetsTheGuidesStatefulSetsAndPods() {
        OperatorAwait.until(NAMESPACE, () -> {
            for (String name : Seed.statefulSetNames(seed)) {
                assertThat(admin().apps().statefulSets().inNamespace(NAMESPACE).withName(name).get())
                        .as("StatefulSet %s", name).isNotNull();
            }
            List<String> pods = admin().pods().inNamespace(NAMESPACE).list().getItems().stream()
                    .map(p -> p.getMetadata().getName()).toList();
            assertThat(pods).as("pods created by the StatefulSet controller").containsAll(Seed.podNames(seed));
        });
    }

    @Test
    void everyChildIsOwnedSoGarbageCollectionCanRemoveIt() {
        OperatorAwait.until(NAMESPACE, () -> {
            String name = seed.getMetadata().getName();
            FerretDB ferretdb = admin().resources(FerretDB.class).inNamespace(NAMESPACE).withName(name).get();
            Postgres backend = admin().resources(Postgres.class).inNamespace(NAMESPACE).withName(Names.backend(name)).get();
            assertThat(backend).as("Postgres %s", Names.backend(name)).isNotNull();
            assertControlledBy(backend, ferretdb);

            StatefulSet backendSet = statefulSet(Names.backend(name));
            assertControlledBy(backendSet, backend);
            assertControlledBy(service(Names.primaryService(Names.backend(name))), backend);
            assertControlledBy(service(Names.standbyService(Names.backend(name))), backend);
            assertControlledBy(service(backendSet.getSpec().getServiceName()), backend);

            for (String servers : List.of(Names.primaryServers(name), Names.secondaryServers(name))) {
                StatefulSet serverSet = statefulSet(servers);
                assertControlledBy(serverSet, ferretdb);
                assertControlledBy(service(servers), ferretdb);
                assertControlledBy(service(serverSet.getSpec().getServiceName()), ferretdb);
            }
            for (String podName : Seed.podNames(seed)) {
                Pod pod = admin().pods().inNamespace(NAMESPACE).withName(podName).get();
                assertThat(pod).as("pod %s", podName).isNotNull();
                assertThat(controller(pod)).as("controller of pod %s", podName).hasValueSatisfying(
                        owner -> assertThat(owner.getKind()).isEqualTo("StatefulSet"));
            }
        });
    }

    /** The production write path: the operator's writes are Server-Side Apply patches, not updates. */
    @Test
    void childrenAreWrittenWithServerSideApply() {
        OperatorAwait.until(NAMESPACE, () -> {
            for (String name : Seed.statefulSetNames(seed)) {
                StatefulSet sts = statefulSet(name);
                assertThat(sts.getMetadata().getManagedFields()).as("managedFields of StatefulSet %s", name)
                        .anySatisfy(entry -> assertThat(entry.getOperation()).isEqualTo("Apply"));
            }
        });
    }

    /**
     * The child carries an owner reference to the owner's UID, which is what garbage collection follows. The operator's
     * children (written by JOSDK dependents) carry plain owner references; pods carry the StatefulSet's controller
     * reference, checked separately below.
     */
    private static void assertControlledBy(HasMetadata child, HasMetadata owner) {
        assertThat(child).as("child of %s", owner.getMetadata().getName()).isNotNull();
        assertThat(child.getMetadata().getOwnerReferences()).as("owner references of %s %s", child.getKind(),
                child.getMetadata().getName()).anySatisfy(ref -> {
                    assertThat(ref.getUid()).isEqualTo(owner.getMetadata().getUid());
                    assertThat(ref.getKind()).isEqualTo(owner.getKind());
                });
    }

    private static Optional<OwnerReference> controller(HasMetadata object) {
        return object.getMetadata().getOwnerReferences().stream()
                .filter(ref -> Objects.equals(ref.getController(), Boolean.TRUE)).findFirst();
    }

    private static StatefulSet statefulSet(String name) {
        StatefulSet sts = admin().apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
        assertThat(sts).as("StatefulSet %s", name).isNotNull();
        return sts;
    }

    private static HasMetadata service(String name) {
        return admin().services().inNamespace(NAMESPACE).withName(name).get();
    }

    private static KubernetesClient admin() {
        return controlPlane.admin();
    }
}

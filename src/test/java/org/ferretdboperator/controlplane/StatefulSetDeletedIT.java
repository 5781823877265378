package org.ferretdboperator.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.RequiresControlPlane;
import org.ferretdboperator.testsupport.TestNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl delete sts} (or a GitOps prune of the StatefulSet alone) under the deletion policies that delete the
 * data with the Postgres object: the real StatefulSet controller and garbage collector keep every member's data claim
 * (same uid, owned by nothing that was deleted), and the StatefulSet the operator recreates uses those claims. The
 * Lease, and with it the election record, is kept too. No kubelet here: what the members do on the kept data is the
 * all-down rules of the coordinators (harness all-down scenarios).
 */
@RequiresControlPlane
@QuarkusTest
@TestProfile(OperatorUnderTest.class)
class StatefulSetDeletedIT {

    private static final String NAMESPACE = "sts-deleted";
    private static final int REPLICAS = 3;
    private static LocalControlPlane controlPlane;

    @BeforeAll
    static void onePostgresPerPolicy() {
        controlPlane = LocalControlPlane.shared();
        ForbiddenRequests.collect();
        TestNamespaces.create(controlPlane.admin(), NAMESPACE);
        for (DeletionPolicy policy : Set.of(DeletionPolicy.DELETE, DeletionPolicy.WIPE_OUT)) {
            GenericKubernetesResource pg = Serialization.unmarshal("""
                    apiVersion: kubedb.com/v1
                    kind: Postgres
                    metadata: {name: %s}
                    spec: {version: "17.4", replicas: %d, deletionPolicy: %s}
                    """.formatted(name(policy), REPLICAS, policy == DeletionPolicy.DELETE ? "Delete" : "WipeOut"), GenericKubernetesResource.class);
            pg.getMetadata().setNamespace(NAMESPACE);
            controlPlane.admin().resource(pg).create();
        }
    }

    @AfterAll
    static void cleanUp() {
        if (controlPlane != null) {
            TestNamespaces.deleteLater(controlPlane.admin(), NAMESPACE);
        }
    }

    @Test
    void underDeleteTheClaimsOutliveTheStatefulSetAndAreReused() {
        deleteAndRecreate(DeletionPolicy.DELETE);
    }

    @Test
    void underWipeOutTheClaimsOutliveTheStatefulSetAndAreReused() {
        deleteAndRecreate(DeletionPolicy.WIPE_OUT);
    }

    private static void deleteAndRecreate(DeletionPolicy policy) {
        KubernetesClient admin = controlPlane.admin();
        String name = name(policy);
        Map<String, String> claims = new HashMap<>();
        OperatorAwait.until(NAMESPACE, () -> {
            for (int i = 0; i < REPLICAS; i++) {
                String claim = PodContract.DATA_VOLUME + "-" + Names.pod(name, i);
                PersistentVolumeClaim pvc = admin.persistentVolumeClaims().inNamespace(NAMESPACE).withName(claim).get();
                assertThat(pvc).as("claim %s made by the StatefulSet controller", claim).isNotNull();
                claims.put(claim, pvc.getMetadata().getUid());
            }
        });
        StatefulSet before = admin.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
        String leaseUid = admin.leases().inNamespace(NAMESPACE).withName(Names.lease(name)).get().getMetadata().getUid();

        Command.Result deletion = controlPlane.kubectl("delete", "sts", name, "-n", NAMESPACE, "--wait=true", "--timeout=120s");
        assertThat(deletion.exitCode()).as(deletion.describe()).isZero();

        OperatorAwait.until(NAMESPACE, () -> {
            StatefulSet now = admin.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
            assertThat(now).as("StatefulSet recreated by the operator").isNotNull();
            assertThat(now.getMetadata().getUid()).isNotEqualTo(before.getMetadata().getUid());
            // the old StatefulSet's pods are gone: the garbage collector has done what it was going to do
            assertThat(admin.pods().inNamespace(NAMESPACE).list().getItems())
                    .allSatisfy(p -> assertThat(p.getMetadata().getOwnerReferences()).extracting(OwnerReference::getUid)
                            .doesNotContain(before.getMetadata().getUid()));
        });
        claims.forEach((claim, uid) -> {
            PersistentVolumeClaim pvc = admin.persistentVolumeClaims().inNamespace(NAMESPACE).withName(claim).get();
            assertThat(pvc).as("claim %s after kubectl delete sts", claim).isNotNull();
            assertThat(pvc.getMetadata().getUid()).as("claim %s is the same claim, not a new empty one", claim).isEqualTo(uid);
            assertThat(pvc.getMetadata().getDeletionTimestamp()).as("claim %s is not being deleted", claim).isNull();
            assertThat(pvc.getMetadata().getOwnerReferences()).as("claim %s owned by the deleted StatefulSet", claim)
                    .extracting(OwnerReference::getUid).doesNotContain(before.getMetadata().getUid());
        });
        assertThat(admin.leases().inNamespace(NAMESPACE).withName(Names.lease(name)).get().getMetadata().getUid())
                .as("the Lease (the election record) is kept").isEqualTo(leaseUid);
    }

    private static String name(DeletionPolicy policy) {
        return policy == DeletionPolicy.DELETE ? "pg-delete" : "pg-wipeout";
    }
}

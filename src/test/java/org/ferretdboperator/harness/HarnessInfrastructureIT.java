package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The harness's own machinery against the real control plane, so a scenario's verdict can be trusted: the API
 * proxy really cuts a member off, the coordinators' token has exactly the operator's Role, a deleted pod stays
 * Terminating (and patchable) until the harness-as-kubelet lets it go, and the label watch sees two primaries.
 */
@ExtendWith(HarnessResources.class)
class HarnessInfrastructureIT {

    private static final String NS = "harness-infra";
    private static final String PG = "pg";
    private static Path dir;

    @BeforeAll
    static void namespace(LocalControlPlane cp) throws Exception {
        dir = Harness.projectDir().resolve("target").resolve("harness").resolve(NS);
        Harness.deleteTree(dir);
        Files.createDirectories(dir);
        cp.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .serverSideApply();
        cp.admin().leases().inNamespace(NS).resource(new LeaseBuilder().withNewMetadata().withName(Names.lease(PG))
                .endMetadata().withNewSpec().endSpec().build()).serverSideApply();
        for (String pod : List.of(PG + "-0", PG + "-1", "other-0")) {
            cp.admin().pods().inNamespace(NS).resource(pod(pod, false)).serverSideApply();
        }
    }

    @AfterAll
    static void cleanUp(LocalControlPlane cp) {
        cp.admin().namespaces().withName(NS).delete();
    }

    private static Pod pod(String name, boolean finalizer) {
        return new PodBuilder().withNewMetadata().withName(name).withLabels(Labels.postgresSelector(PG))
                .withFinalizers(finalizer ? List.of(Cluster.KUBELET_FINALIZER) : List.of()).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("none").endContainer().endSpec().build();
    }

    private static KubernetesClient client(Path kubeconfig, int requestTimeoutMillis) throws Exception {
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
        config.setRequestTimeout(requestTimeoutMillis);
        config.setConnectionTimeout(requestTimeoutMillis);
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Test
    void proxyCutsAMemberOffAndRestoresIt(LocalControlPlane cp) throws Exception {
        CoordinatorAccess access = CoordinatorAccess.create(cp.admin(), cp.caData(), NS, "proxytest", 1);
        try (ApiServerProxy proxy = new ApiServerProxy("infra", cp.apiServerPort());
                KubernetesClient client = client(access.writeKubeconfig(dir.resolve("proxy.kubeconfig"), proxy.port(), NS), 1000)) {
            assertThat(client.pods().inNamespace(NS).list().getItems()).isNotEmpty();

            proxy.cut(ApiServerProxy.Cut.BLACKHOLE);
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.pods().inNamespace(NS).list()).isInstanceOf(KubernetesClientException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a blackholed request hangs until the client's timeout")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900));

            proxy.restore();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> !client.pods().inNamespace(NS).list().getItems().isEmpty());

            proxy.cut(ApiServerProxy.Cut.REFUSE);
            start = System.nanoTime();
            assertThatThrownBy(() -> client.pods().inNamespace(NS).list()).isInstanceOf(KubernetesClientException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a refused connection fails at once")
                    .isLessThan(Duration.ofMillis(900));

            proxy.restore();
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> !client.pods().inNamespace(NS).list().getItems().isEmpty());
        }
    }

    @Test
    void coordinatorTokenHasTheOperatorsRoleAndNoMore(LocalControlPlane cp) throws Exception {
        CoordinatorAccess access = CoordinatorAccess.create(cp.admin(), cp.caData(), NS, PG, 2);
        try (ApiServerProxy proxy = new ApiServerProxy("rbac", cp.apiServerPort());
                KubernetesClient coordinator = client(access.writeKubeconfig(dir.resolve("rbac.kubeconfig"), proxy.port(), NS), 5000)) {
            // its own Lease: read and compare-and-swap update
            Lease lease = coordinator.leases().inNamespace(NS).withName(Names.lease(PG)).get();
            lease.getSpec().setHolderIdentity(PG + "-0");
            assertThat(coordinator.leases().inNamespace(NS).resource(lease).update().getSpec().getHolderIdentity())
                    .isEqualTo(PG + "-0");
            // its own pods' labels
            coordinator.pods().inNamespace(NS).withName(PG + "-1").edit(p -> {
                p.getMetadata().getLabels().put(Labels.ROLE, Labels.ROLE_SECONDARY);
                return p;
            });
            assertThat(cp.admin().pods().inNamespace(NS).withName(PG + "-1").get().getMetadata().getLabels())
                    .containsEntry(Labels.ROLE, Labels.ROLE_SECONDARY);
            // nothing else
            assertForbidden(() -> coordinator.pods().inNamespace(NS).withName("other-0").edit(p -> {
                p.getMetadata().getLabels().put(Labels.ROLE, Labels.ROLE_PRIMARY);
                return p;
            }));
            assertForbidden(() -> coordinator.leases().inNamespace(NS).resource(new LeaseBuilder().withNewMetadata()
                    .withName("another").endMetadata().withNewSpec().endSpec().build()).create());
            assertForbidden(() -> coordinator.secrets().inNamespace(NS).list());
            assertForbidden(() -> coordinator.pods().inNamespace(NS).withName(PG + "-0").delete());
        }
    }

    private static void assertForbidden(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(KubernetesClientException.class,
                e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void deletedPodStaysTerminatingAndPatchableUntilTheKubeletLetsGo(LocalControlPlane cp) {
        KubernetesClient admin = cp.admin();
        admin.pods().inNamespace(NS).resource(pod(PG + "-2", true)).create();
        admin.pods().inNamespace(NS).withName(PG + "-2").delete();
        Pod terminating = admin.pods().inNamespace(NS).withName(PG + "-2").get();
        assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
        admin.pods().inNamespace(NS).withName(PG + "-2").edit(p -> {
            p.getMetadata().getLabels().remove(Labels.ROLE);
            p.getMetadata().getLabels().put("touched", "yes");
            return p;
        });
        admin.pods().inNamespace(NS).withName(PG + "-2").edit(p -> {
            p.getMetadata().getFinalizers().remove(Cluster.KUBELET_FINALIZER);
            return p;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.pods().inNamespace(NS).withName(PG + "-2").get() == null);
    }

    @Test
    void labelWatchSeesTwoPrimaries(LocalControlPlane cp) {
        KubernetesClient admin = cp.admin();
        for (String pod : List.of(PG + "-0", PG + "-1")) {
            admin.pods().inNamespace(NS).withName(pod).edit(p -> {
                p.getMetadata().getLabels().remove(Labels.ROLE);
                return p;
            });
        }
        try (RoleLabels labels = new RoleLabels(admin, NS, PG)) {
            setRole(admin, PG + "-0", Labels.ROLE_PRIMARY);
            await().atMost(Duration.ofSeconds(10)).until(() -> labels.primaries().equals(List.of(PG + "-0")));
            setRole(admin, PG + "-1", Labels.ROLE_PRIMARY);
            await().atMost(Duration.ofSeconds(10)).until(() -> labels.primaries().size() == 2);
            setRole(admin, PG + "-0", Labels.ROLE_SECONDARY);
            await().atMost(Duration.ofSeconds(10)).until(() -> labels.primaries().equals(List.of(PG + "-1")));
            List<RoleLabels.DualPrimary> dual = labels.dualPrimaries();
            assertThat(dual).hasSize(1);
            assertThat(dual.get(0).members()).containsExactlyInAnyOrder(PG + "-0", PG + "-1");
            assertThat(labels.now().roles()).containsAllEntriesOf(Map.of(PG + "-0", Labels.ROLE_SECONDARY,
                    PG + "-1", Labels.ROLE_PRIMARY));
        }
    }

    private static void setRole(KubernetesClient admin, String pod, String role) {
        admin.pods().inNamespace(NS).withName(pod).edit(p -> {
            p.getMetadata().getLabels().put(Labels.ROLE, role);
            return p;
        });
    }
}

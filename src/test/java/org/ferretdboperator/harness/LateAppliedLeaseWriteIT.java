package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.ferretdboperator.contract.LeaseAnnotations;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.decision.TimelineHistory;
import org.ferretdboperator.coordinator.lease.KubernetesLeaseStore;
import org.ferretdboperator.coordinator.lease.LeaseConflictException;
import org.ferretdboperator.coordinator.lease.LeaseSnapshot;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Lease write the API server applied while its answer was lost (the network path back dropped it; the client's
 * request timeout fired), then the holder's next write, still based on the version before: the API server answers 409.
 * That 409 is the member's own doing, not another writer's win, and must not count as a lost Lease: in the benchmark
 * of a 30 s API outage it made the primary fence itself just after the API server returned (1.2-1.9 s without writes,
 * docs/benchmarks.md). A real API server, the coordinator's own {@link KubernetesLeaseStore}, and a proxy that forwards
 * requests but drops the answers.
 */
@ExtendWith(HarnessResources.class)
class LateAppliedLeaseWriteIT {

    static Map<String, String> record(String leader) {
        return LeaseAnnotations.encode(new LeaderRecord(leader + ":5432", 0x5000, 2, TimelineHistory.EMPTY, 42,
                Set.of("pg-1"), 1, null, -1));
    }

    @Test
    void aWriteAppliedWithoutAnAnswerIsBuiltOnNotTakenForAnotherWriter(LocalControlPlane controlPlane) throws Exception {
        String ns = "late-lease-write";
        KubernetesClient admin = controlPlane.admin();
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
        try (ApiServerProxy proxy = new ApiServerProxy("late-write", controlPlane.apiServerPort());
                KubernetesClient viaProxy = clientThrough(controlPlane, proxy.port())) {
            KubernetesLeaseStore store = new KubernetesLeaseStore(viaProxy, ns, "pg", 2000);
            KubernetesLeaseStore observer = new KubernetesLeaseStore(admin, ns, "pg", 2000);
            LeaseSnapshot first = store.write(null, "pg-0", 3, record("pg-0"));

            proxy.cut(ApiServerProxy.Cut.ANSWERS_LOST);
            assertThatThrownBy(() -> store.write(first, "pg-0", 3, record("pg-0")))
                    .as("the renew gets no answer").isInstanceOf(KubernetesClientException.class);
            LeaseSnapshot applied = await("the unanswered renew applied on the API server").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> observer.read().orElseThrow(), l -> !l.resourceVersion().equals(first.resourceVersion()));
            assertThat(applied.holder()).isEqualTo("pg-0");
            proxy.restore();

            // the holder still knows only the version before its unanswered write, as LeaseHolder's tracker does
            LeaseSnapshot renewed = store.write(first, "pg-0", 3, record("pg-0"));
            assertThat(renewed.holder()).isEqualTo("pg-0");
            assertThat(renewed.transitions()).isEqualTo(3);
            assertThat(renewed.resourceVersion()).isNotEqualTo(applied.resourceVersion());
            assertThat(observer.read().orElseThrow().resourceVersion()).isEqualTo(renewed.resourceVersion());

            // another writer's win is still a lost compare-and-swap
            LeaseSnapshot taken = observer.write(renewed, "pg-1", 4, record("pg-1"));
            assertThatThrownBy(() -> store.write(renewed, "pg-0", 3, record("pg-0")))
                    .isInstanceOf(LeaseConflictException.class).hasMessageContaining("now held by pg-1");
            assertThat(observer.read().orElseThrow().resourceVersion()).isEqualTo(taken.resourceVersion());
        } finally {
            admin.namespaces().withName(ns).delete();
        }
    }

    @Test
    void anUnansweredHandoverThatAppliedIsNotOverwrittenByARenew(LocalControlPlane controlPlane) throws Exception {
        String ns = "late-lease-handover";
        KubernetesClient admin = controlPlane.admin();
        admin.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).serverSideApply();
        try (ApiServerProxy proxy = new ApiServerProxy("late-handover", controlPlane.apiServerPort());
                KubernetesClient viaProxy = clientThrough(controlPlane, proxy.port())) {
            KubernetesLeaseStore store = new KubernetesLeaseStore(viaProxy, ns, "pg", 2000);
            KubernetesLeaseStore observer = new KubernetesLeaseStore(admin, ns, "pg", 2000);
            LeaseSnapshot first = store.write(null, "pg-0", 3, record("pg-0"));

            proxy.cut(ApiServerProxy.Cut.ANSWERS_LOST);
            assertThatThrownBy(() -> store.write(first, "pg-1", 3, record("pg-0")))
                    .as("the handover gets no answer").isInstanceOf(KubernetesClientException.class);
            await("the unanswered handover applied on the API server").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50)).until(() -> observer.read().orElseThrow().holder(), "pg-1"::equals);
            proxy.restore();

            // its own write, but it gave the Lease away: a renew as holder must not take it back
            assertThatThrownBy(() -> store.write(first, "pg-0", 3, record("pg-0")))
                    .isInstanceOf(LeaseConflictException.class).hasMessageContaining("now held by pg-1");
            assertThat(observer.read().orElseThrow().holder()).isEqualTo("pg-1");
        } finally {
            admin.namespaces().withName(ns).delete();
        }
    }

    /** The coordinator's own client settings (CoordinatorRuntime.clientConfig: short request timeout, no retries). */
    private static KubernetesClient clientThrough(LocalControlPlane controlPlane, int port) throws Exception {
        Config admin = Config.fromKubeconfig(Files.readString(controlPlane.kubeconfig()));
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(admin)
                .withMasterUrl("https://127.0.0.1:" + port)
                .withRequestTimeout(600)
                .withConnectionTimeout(5_000)
                .withRequestRetryBackoffLimit(0)
                .build()).build();
    }
}

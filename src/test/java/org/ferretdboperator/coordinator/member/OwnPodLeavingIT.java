package org.ferretdboperator.coordinator.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A coordinator learns from the API that its own pod is being deleted, ahead of the kubelet's SIGTERM: what its
 * {@link PodMemberDirectory} reports for graceful and forced deletions of its own pod, of a peer's pod, and of an
 * earlier incarnation of its pod's name, on a real API server. The pods are bound to a node with no kubelet, so a
 * graceful deletion leaves them marked (an unbound pod would be removed at once), as a cluster shows them until the
 * kubelet has stopped the containers.
 */
class OwnPodLeavingIT {

    static final String NS = "own-pod-leaving-it";
    static KubernetesClient api;

    @BeforeAll
    static void namespace() {
        api = LocalControlPlane.shared().admin();
        api.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).serverSideApply();
    }

    @Test
    void aGracefulDeletionOfItsOwnPodIsSeenWhileThePodIsStillThere() {
        Pod own = create("pga", "pga-0");
        create("pga", "pga-1");
        try (PodMemberDirectory directory = directoryOf("pga", own)) {
            awaitSeen(directory, 2);
            assertThat(directory.ownPodLeaving()).isFalse();

            api.pods().inNamespace(NS).withName("pga-0").withGracePeriod(30).delete();

            await("the mark reaches the directory").atMost(Duration.ofSeconds(10)).until(directory::ownPodLeaving);
            assertThat(api.pods().inNamespace(NS).withName("pga-0").get().getMetadata().getDeletionTimestamp())
                    .as("still in the API, marked, as while its kubelet stops it").isNotNull();
        }
    }

    @Test
    void aForcedDeletionOfItsOwnPodIsSeenThoughThePodLeavesTheApiAtOnce() {
        Pod own = create("pgb", "pgb-0");
        try (PodMemberDirectory directory = directoryOf("pgb", own)) {
            awaitSeen(directory, 1);

            api.pods().inNamespace(NS).withName("pgb-0").withGracePeriod(0).delete();

            await("the deletion reaches the directory").atMost(Duration.ofSeconds(10)).until(directory::ownPodLeaving);
        }
    }

    @Test
    void aPeersDeletionAndAReplacementOfTheSameNameDoNotCount() {
        Pod first = create("pgc", "pgc-0");
        create("pgc", "pgc-1");
        try (PodMemberDirectory earlier = directoryOf("pgc", first, () -> { })) {
            awaitSeen(earlier, 2);
            api.pods().inNamespace(NS).withName("pgc-0").withGracePeriod(0).delete();
            await().atMost(Duration.ofSeconds(10)).until(() -> api.pods().inNamespace(NS).withName("pgc-0").get() == null);
            Pod replacement = create("pgc", "pgc-0");
            await().atMost(Duration.ofSeconds(10)).until(earlier::ownPodLeaving);

            AtomicInteger events = new AtomicInteger();
            try (PodMemberDirectory current = directoryOf("pgc", replacement, events::incrementAndGet)) {
                awaitSeen(current, 2);
                int before = events.get();
                api.pods().inNamespace(NS).withName("pgc-1").withGracePeriod(30).delete();
                // the handler judges a pod before it signals the change: once signalled, the mark has been judged
                await("the peer's mark reaches the replacement's directory").atMost(Duration.ofSeconds(10))
                        .until(() -> events.get() > before);
                assertThat(current.ownPodLeaving()).as("a peer's deletion, and the earlier incarnation's").isFalse();
            }
        }
    }

    /** Waits until the directory's informer has seen {@code count} member pods. */
    private static void awaitSeen(PodMemberDirectory directory, int count) {
        await("the directory's informer lists the pods").atMost(Duration.ofSeconds(10))
                .until(() -> directory.roleLabels().size() == count);
    }

    private static PodMemberDirectory directoryOf(String postgres, Pod own) {
        return directoryOf(postgres, own, () -> { });
    }

    private static PodMemberDirectory directoryOf(String postgres, Pod own, Runnable onChange) {
        return new PodMemberDirectory(api, NS, postgres, own.getMetadata().getName(), own.getMetadata().getUid(),
                onChange);
    }

    private static Pod create(String postgres, String name) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
                .withLabels(Labels.postgresSelector(postgres)).endMetadata()
                .withNewSpec().withNodeName("node-without-kubelet")
                .addNewContainer().withName("postgres").withImage("postgres:17").endContainer().endSpec().build();
        return api.resource(pod).create();
    }
}

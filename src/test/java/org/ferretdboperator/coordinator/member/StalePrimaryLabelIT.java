package org.ferretdboperator.coordinator.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.coordinator.decision.Role;
import org.ferretdboperator.coordinator.decision.StalePrimaryLabels;
import org.ferretdboperator.coordinator.decision.StalePrimaryLabels.LabelledPod;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Lease holder's removal of a primary label left on another member's pod, on a real API server: the judgement
 * ({@link StalePrimaryLabels}) on what the holder's {@link PodMemberDirectory} observes, and the write's uid and
 * resourceVersion preconditions, which the API server enforces (the old pod's own coordinator writes through its own
 * directory, as in a cluster).
 */
class StalePrimaryLabelIT {

    static final String NS = "stale-label-it";
    static LocalControlPlane controlPlane;

    @BeforeAll
    static void startApiServer() {
        controlPlane = LocalControlPlane.startDedicated("stale-label-apiserver");
        controlPlane.admin().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .serverSideApply();
    }

    @AfterAll
    static void stop() {
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    void theHolderRemovesTheLabelOfTheOldPrimaryAsObservedAndNothingElse() {
        Pod old = create("pgz", "pgz-0");
        create("pgz", "pgz-1");
        try (PodMemberDirectory oldPrimary = directory("pgz", old);
                PodMemberDirectory holder = holder("pgz")) {
            oldPrimary.setRole(Role.PRIMARY);
            LabelledPod stale = awaitStale(holder, "pgz-1");
            assertThat(stale.name()).isEqualTo("pgz-0");

            holder.clearRoleLabel(stale);

            Pod now = controlPlane.admin().pods().inNamespace(NS).withName("pgz-0").get();
            assertThat(now.getMetadata().getLabels()).doesNotContainKey(Labels.ROLE)
                    .containsAllEntriesOf(Labels.postgresSelector("pgz"));
            assertThat(now.getMetadata().getUid()).isEqualTo(old.getMetadata().getUid());
            await().atMost(Duration.ofSeconds(10)).until(() -> StalePrimaryLabels.toClear("pgz-1", true,
                    holder.roleLabels()).isEmpty());
        }
    }

    @Test
    void aRemovalOnAnOutdatedObservationIsRefusedAndChangesNothing() {
        Pod old = create("pgw", "pgw-0");
        create("pgw", "pgw-1");
        try (PodMemberDirectory oldPrimary = directory("pgw", old);
                PodMemberDirectory holder = holder("pgw")) {
            oldPrimary.setRole(Role.PRIMARY);
            LabelledPod observed = awaitStale(holder, "pgw-1");
            // the old pod's own coordinator writes after the holder looked: the pod's resourceVersion moves on
            oldPrimary.publish(new MemberState(MemberState.PRIMARY, 2, 0x7000, false, null, true, "pgw-0:5432", false,
                    null, 42, 1));

            assertThatThrownBy(() -> holder.clearRoleLabel(observed)).isInstanceOf(KubernetesClientException.class)
                    .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
            assertThat(controlPlane.admin().pods().inNamespace(NS).withName("pgw-0").get().getMetadata().getLabels())
                    .containsEntry(Labels.ROLE, Labels.ROLE_PRIMARY);
        }
    }

    @Test
    void aRemovalNamingAnEarlierIncarnationDoesNotTouchTheNewPodOfTheSameName() {
        Pod old = create("pgv", "pgv-0");
        create("pgv", "pgv-1");
        try (PodMemberDirectory oldPrimary = directory("pgv", old);
                PodMemberDirectory holder = holder("pgv")) {
            oldPrimary.setRole(Role.PRIMARY);
            LabelledPod observed = awaitStale(holder, "pgv-1");
            controlPlane.admin().pods().inNamespace(NS).withName("pgv-0").withGracePeriod(0).delete();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> controlPlane.admin().pods().inNamespace(NS).withName("pgv-0").get() == null);
            Map<String, String> labels = new HashMap<>(Labels.postgresSelector("pgv"));
            labels.put(Labels.ROLE, Labels.ROLE_PRIMARY);
            Pod fresh = controlPlane.admin().resource(pod("pgv-0", labels)).create();

            assertThatThrownBy(() -> holder.clearRoleLabel(new LabelledPod(observed.name(), observed.uid(),
                    fresh.getMetadata().getResourceVersion(), observed.roleLabel())))
                    .as("the old uid with the new pod's resourceVersion").isInstanceOf(KubernetesClientException.class);
            assertThat(controlPlane.admin().pods().inNamespace(NS).withName("pgv-0").get().getMetadata().getLabels())
                    .containsEntry(Labels.ROLE, Labels.ROLE_PRIMARY);
        }
    }

    /** The one stale primary label the holder's directory shows, once its informer has seen it. */
    private static LabelledPod awaitStale(PodMemberDirectory holder, String holderName) {
        List<LabelledPod> stale = new ArrayList<>();
        await("the holder sees the old primary's label").atMost(Duration.ofSeconds(10)).until(() -> {
            stale.clear();
            stale.addAll(StalePrimaryLabels.toClear(holderName, true, holder.roleLabels()));
            return stale.size() == 1;
        });
        return stale.get(0);
    }

    private static PodMemberDirectory holder(String postgres) {
        return new PodMemberDirectory(controlPlane.admin(), NS, postgres, postgres + "-1", null, () -> { });
    }

    private static PodMemberDirectory directory(String postgres, Pod own) {
        return new PodMemberDirectory(controlPlane.admin(), NS, postgres, own.getMetadata().getName(),
                own.getMetadata().getUid(), () -> { });
    }

    private static Pod create(String postgres, String name) {
        return controlPlane.admin().resource(pod(name, Labels.postgresSelector(postgres))).create();
    }

    private static Pod pod(String name, Map<String, String> labels) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("postgres").withImage("postgres:17").endContainer().endSpec()
                .build();
    }
}

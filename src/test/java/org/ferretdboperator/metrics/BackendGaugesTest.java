package org.ferretdboperator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.util.Map;
import java.util.Set;
import org.ferretdboperator.api.common.Phase;
import org.junit.jupiter.api.Test;

class BackendGaugesTest {

    private static final MemberView PRIMARY = new MemberView("db-0", true, "primary", true, 5000L, false);
    private static final MemberView STREAMING = new MemberView("db-1", false, "standby", true, 4000L, true);
    private static final MemberView BEHIND = new MemberView("db-2", false, "standby", true, 1000L, false);

    @Test
    void lagIsMeasuredFromThePrimarysOwnPositionAndSyncStandbysCountOnlyStreamingOnes() {
        LeaseView lease = new LeaseView("db-0", 3, null, 4500L, Set.of("db-1", "db-2"), 2);
        BackendGauges g = BackendGauges.of(lease, Map.of("db-0", PRIMARY, "db-1", STREAMING, "db-2", BEHIND));

        assertThat(g.primary()).contains("db-0");
        assertThat(g.lagBytes()).containsExactlyInAnyOrderEntriesOf(Map.of("db-1", 1000L, "db-2", 4000L));
        assertThat(g.syncStandbys()).isEqualTo(1);
        assertThat(g.syncStandbysRequired()).isEqualTo(2);
    }

    @Test
    void withoutAServingPrimaryTheLeasesLeaderLsnIsTheReference() {
        LeaseView lease = new LeaseView("db-0", 3, null, 4500L, Set.of(), null);
        MemberView notLabelled = new MemberView("db-0", false, "primary", true, 5000L, false);
        BackendGauges g = BackendGauges.of(lease, Map.of("db-0", notLabelled, "db-1", STREAMING));

        assertThat(g.primary()).isEmpty();
        assertThat(g.lagBytes()).containsExactlyEntriesOf(Map.of("db-1", 500L));
        assertThat(g.syncStandbysRequired()).isZero();
    }

    @Test
    void aStandbyAheadOfAStaleReferenceLagsZeroAndUnknownPositionsAreLeftOut() {
        LeaseView lease = new LeaseView("", 3, null, 3000L, Set.of(), 0);
        BackendGauges g = BackendGauges.of(lease,
                Map.of("db-1", STREAMING, "db-2", new MemberView("db-2", false, "standby", true, null, true)));
        assertThat(g.lagBytes()).containsExactlyEntriesOf(Map.of("db-1", 0L));
    }

    @Test
    void readsTheLeaseAnnotationsAndTheMemberStateAsTheCoordinatorsWriteThem() {
        LeaseView lease = BackendWatch.leaseView(new LeaseBuilder().withNewMetadata().withName("db-leader")
                .addToAnnotations("coordinator.kubedb.com/leader-lsn", "1/3000148")
                .addToAnnotations("coordinator.kubedb.com/sync-members", "db-1, db-2")
                .addToAnnotations("coordinator.kubedb.com/sync-quorum", "1")
                .addToAnnotations("coordinator.kubedb.com/handover-to", "db-2").endMetadata()
                .withNewSpec().withHolderIdentity("db-0").withLeaseTransitions(7).endSpec().build());
        assertThat(lease).isEqualTo(new LeaseView("db-0", 7, "db-2", 0x1_0300_0148L, Set.of("db-1", "db-2"), 1));

        Pod pod = new PodBuilder().withNewMetadata().withName("db-1").addToLabels("kubedb.com/role", "secondary")
                .addToAnnotations("kubedb.com/member-state",
                        "{\"role\":\"standby\",\"timeline\":2,\"lsn\":50331968,\"walReceiverStreaming\":true,\"healthy\":true,\"future\":1}")
                .endMetadata().build();
        assertThat(BackendWatch.memberView(pod)).isEqualTo(new MemberView("db-1", false, "standby", true, 50331968L, true));

        Pod garbled = new PodBuilder().withNewMetadata().withName("db-2").addToLabels("kubedb.com/role", "primary")
                .addToAnnotations("kubedb.com/member-state", "{not json").endMetadata().build();
        assertThat(BackendWatch.memberView(garbled)).isEqualTo(new MemberView("db-2", true, null, null, null, null));
        assertThat(BackendWatch.leaseView(new LeaseBuilder().withNewMetadata().withName("db-leader")
                .addToAnnotations("coordinator.kubedb.com/leader-lsn", "nonsense").endMetadata().build()).leaderLsn()).isNull();
        assertThat(BackendWatch.phase(Phase.NOT_READY)).isEqualTo("NotReady");
        assertThat(BackendWatch.phase(null)).isEqualTo("Provisioning");
    }
}

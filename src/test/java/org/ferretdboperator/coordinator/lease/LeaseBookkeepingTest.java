package org.ferretdboperator.coordinator.lease;

import org.ferretdboperator.contract.LeaseAnnotations;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.decision.LeaseView;
import org.ferretdboperator.coordinator.decision.TimelineHistory;
import org.junit.jupiter.api.Test;

class LeaseBookkeepingTest {

    final AtomicLong clock = new AtomicLong(1_000_000_000L);

    static LeaseSnapshot snapshot(String holder, String rv, Map<String, String> annotations) {
        return LeaseSnapshot.of(new LeaseBuilder().withNewMetadata().withName("l").withResourceVersion(rv)
                .withAnnotations(annotations).endMetadata().withNewSpec().withHolderIdentity(holder).withLeaseTransitions(3)
                .endSpec().build());
    }

    void advanceMillis(long ms) {
        clock.addAndGet(ms * 1_000_000);
    }

    @Test
    void leaderRecordRoundTripsThroughAnnotations() {
        LeaderRecord r = new LeaderRecord("pg-0.pods:5432", 0x5000, 2, TimelineHistory.decode("1:0/3000"),
                -5L /* unsigned values above Long.MAX_VALUE */, Set.of("pg-1", "pg-2"), 1, "pg-1", 0x5100);
        assertThat(LeaseAnnotations.decode(LeaseAnnotations.encode(r))).isEqualTo(r);
    }

    @Test
    void malformedAnnotationsReadAsUnknown() {
        Map<String, String> a = new HashMap<>();
        a.put(LeaseAnnotations.LEADER_LSN, "garbage");
        a.put(LeaseAnnotations.SYNC_QUORUM, "x");
        a.put(LeaseAnnotations.HISTORY, "bad");
        LeaderRecord r = LeaseAnnotations.decode(a);
        assertThat(r.leaderLsn()).isEqualTo(-1);
        assertThat(r.syncQuorum()).isZero();
        assertThat(r.history()).isEqualTo(TimelineHistory.EMPTY);
    }

    @Test
    void foreignAnnotationsAreKeptApart() {
        assertThat(LeaseAnnotations.foreign(Map.of("a/b", "1", LeaseAnnotations.LEADER_LSN, "0/1"))).containsOnlyKeys("a/b");
    }

    @Test
    void expiryIsMeasuredFromFirstSightOfAVersionOnTheLocalClock() {
        LeaseTracker t = new LeaseTracker("pg-1", clock::get);
        t.observed(Optional.of(snapshot("pg-0", "10", Map.of())));
        advanceMillis(1500);
        t.observed(Optional.of(snapshot("pg-0", "10", Map.of())));
        assertThat(t.view().unchangedForMillis()).isEqualTo(1500);
        assertThat(t.view().holderRenewalSeen()).isFalse();
        t.observed(Optional.of(snapshot("pg-0", "11", Map.of())));
        assertThat(t.view().unchangedForMillis()).isZero();
        assertThat(t.view().holderRenewalSeen()).isTrue();
    }

    @Test
    void ownRenewAgeCountsFromTheSendTimeAndEndsWhenSomeoneElseHolds() {
        LeaseTracker t = new LeaseTracker("pg-1", clock::get);
        long sent = clock.get();
        advanceMillis(80); // request in flight
        t.wrote(sent, snapshot("pg-1", "20", Map.of()));
        advanceMillis(100);
        assertThat(t.sinceOwnRenewMillis()).isEqualTo(180);
        LeaseView v = t.view();
        assertThat(v.heldBy("pg-1")).isTrue();
        t.observed(Optional.of(snapshot("pg-2", "21", Map.of())));
        assertThat(t.sinceOwnRenewMillis()).isEqualTo(-1);
    }

    @Test
    void aReadThatRacedAnOwnWriteCannotRollTheVersionBack() {
        LeaseTracker t = new LeaseTracker("pg-1", clock::get);
        t.wrote(clock.get(), snapshot("pg-1", "30", Map.of()));
        long before = t.writes();
        t.wrote(clock.get(), snapshot("pg-1", "31", Map.of())); // background renew lands while the read is in flight
        t.observed(Optional.of(snapshot("pg-1", "30", Map.of())), before);
        assertThat(t.last().orElseThrow().resourceVersion()).isEqualTo("31");
        t.observed(Optional.of(snapshot("pg-1", "32", Map.of())), t.writes());
        assertThat(t.last().orElseThrow().resourceVersion()).isEqualTo("32");
    }

    @Test
    void absentLeaseIsAView() {
        LeaseTracker t = new LeaseTracker("pg-1", clock::get);
        t.observed(Optional.empty());
        assertThat(t.view().exists()).isFalse();
    }
}

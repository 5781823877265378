package org.ferretdboperator.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.TimelineHistory;
import org.junit.jupiter.api.Test;

/** The force failover request and its outcome as Lease annotations, both ways. */
class ForceFailoverRequestTest {

    @Test
    void aRequestReadsBackAsWritten() {
        ForceFailoverRequest r = new ForceFailoverRequest("uid-1", 7, List.of("pg-2", " pg-1 ", "pg-2"),
                Instant.parse("2026-12-06T15:00:00Z"));
        assertThat(r.candidates()).containsExactly("pg-1", "pg-2");
        assertThat(ForceFailoverRequest.decode(r.encode())).contains(r);
        assertThat(r.admits("pg-1")).isTrue();
        assertThat(r.admits("pg-0")).isFalse();
        ForceFailoverRequest any = new ForceFailoverRequest("uid-1", 7, List.of(), null);
        assertThat(ForceFailoverRequest.decode(any.encode())).contains(any);
        assertThat(any.admits("pg-0")).isTrue();
    }

    @Test
    void aMalformedOrPartialRequestIsNoRequest() {
        assertThat(ForceFailoverRequest.decode(null)).isEmpty();
        assertThat(ForceFailoverRequest.decode(Map.of(ForceFailoverRequest.UID, "u"))).isEmpty();
        assertThat(ForceFailoverRequest.decode(Map.of(ForceFailoverRequest.UID, "u", ForceFailoverRequest.TERM, "x"))).isEmpty();
        assertThat(ForceFailoverRequest.decode(Map.of(ForceFailoverRequest.UID, "u", ForceFailoverRequest.TERM, "3",
                ForceFailoverRequest.REQUESTED_AT, "yesterday"))).isEmpty();
        assertThatThrownBy(() -> new ForceFailoverRequest(" ", 1, List.of(), null)).hasMessageContaining("uid");
    }

    @Test
    void theRemovalPatchRemovesEveryKeyItWrites() {
        Map<String, String> written = new ForceFailoverRequest("u", 1, List.of("pg-1"), Instant.EPOCH).encode();
        assertThat(ForceFailoverRequest.removal().keySet()).containsAll(written.keySet());
        assertThat(ForceFailoverRequest.removal().values()).containsOnlyNulls();
    }

    @Test
    void theRequestIsForeignToTheCoordinatorsRecordSoTheirWritesKeepIt() {
        Map<String, String> onLease = new HashMap<>(new ForceFailoverRequest("u", 1, List.of(), null).encode());
        onLease.put(LeaseAnnotations.LEADER_ADDRESS, "pg-0:5432");
        assertThat(LeaseAnnotations.foreign(onLease)).containsOnlyKeys(ForceFailoverRequest.UID, ForceFailoverRequest.TERM,
                ForceFailoverRequest.CANDIDATES);
    }

    @Test
    void theOutcomeTravelsInTheLeaderRecord() {
        ForcedFailoverRecord forced = new ForcedFailoverRecord("uid-1", 8, "pg-2", Lsn.parse("0/3000000"), "pg-0",
                Lsn.parse("0/3000400"));
        LeaderRecord rec = new LeaderRecord("pg-2:5432", Lsn.parse("0/3000000"), 3, TimelineHistory.EMPTY, 42L, Set.of("pg-0"),
                1, null, Lsn.UNKNOWN, forced);
        LeaderRecord back = LeaseAnnotations.decode(LeaseAnnotations.encode(rec));
        assertThat(back.forcedFailover()).isEqualTo(forced);
        assertThat(back).isEqualTo(rec);
        assertThat(LeaseAnnotations.decode(LeaseAnnotations.encode(rec.withForcedFailover(null))).forcedFailover()).isNull();
    }

    @Test
    void theOutcomeSaysWhatWasLostOrThatItIsUnknown() {
        ForcedFailoverRecord lost = new ForcedFailoverRecord("u", 4, "pg-2", 4000, "pg-0", 4990);
        assertThat(lost.lostBytesAtLeast()).hasValue(990);
        assertThat(lost.describe()).contains("at least 990 bytes of WAL are lost");
        ForcedFailoverRecord ahead = new ForcedFailoverRecord("u", 4, "pg-2", 5000, "pg-0", 4990);
        assertThat(ahead.lostBytesAtLeast()).hasValue(0);
        assertThat(ahead.describe()).contains("only what pg-0 wrote after that renewal may be lost");
        ForcedFailoverRecord unknown = new ForcedFailoverRecord("u", 4, "pg-2", 5000, null, Lsn.UNKNOWN);
        assertThat(unknown.lostBytesAtLeast()).isEmpty();
        assertThat(unknown.describe()).contains("the last leader's last position was not recorded");
        assertThat(ForcedFailoverRecord.decode(unknown.encode())).contains(unknown);
    }
}

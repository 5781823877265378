package org.ferretdboperator.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.TimelineHistory;
import org.junit.jupiter.api.Test;

class SwitchoverRequestTest {

    @Test
    void roundTripsThroughTheLeaseAnnotations() {
        SwitchoverRequest r = new SwitchoverRequest("0b6c", "pg-0", 4, "pg-2");
        assertThat(SwitchoverRequest.decode(r.encode())).contains(r);
        SwitchoverRequest any = new SwitchoverRequest("0b6c", "pg-0", 4, null);
        assertThat(SwitchoverRequest.decode(any.encode())).contains(any);
        assertThat(any.encode()).doesNotContainKey(SwitchoverRequest.TARGET);
    }

    @Test
    void survivesTheCoordinatorsLeaseWritesAsAForeignAnnotation() {
        Map<String, String> onLease = new HashMap<>(new SwitchoverRequest("u", "pg-0", 1, null).encode());
        onLease.putAll(LeaseAnnotations.encode(new LeaderRecord("a:5432", 100, 1, TimelineHistory.EMPTY, 1, java.util.Set.of(),
                0, null, Lsn.UNKNOWN)));
        assertThat(LeaseAnnotations.foreign(onLease)).containsAllEntriesOf(new SwitchoverRequest("u", "pg-0", 1, null).encode());
    }

    @Test
    void malformedOrPartialRequestsAreNeverActedOn() {
        assertThat(SwitchoverRequest.decode(null)).isEmpty();
        assertThat(SwitchoverRequest.decode(Map.of(SwitchoverRequest.UID, "u"))).isEmpty();
        assertThat(SwitchoverRequest.decode(Map.of(SwitchoverRequest.UID, "u", SwitchoverRequest.FROM, "pg-0",
                SwitchoverRequest.TERM, "three"))).isEmpty();
        assertThat(SwitchoverRequest.decode(Map.of(SwitchoverRequest.UID, "u", SwitchoverRequest.FROM, "pg-0"))).isEmpty();
    }

    @Test
    void isAddressedToOneHolderInOneTerm() {
        SwitchoverRequest r = new SwitchoverRequest("u", "pg-0", 4, null);
        assertThat(r.addressedTo("pg-0", 4)).isTrue();
        assertThat(r.addressedTo("pg-0", 5)).isFalse();
        assertThat(r.addressedTo("pg-1", 4)).isFalse();
    }

    @Test
    void removalNamesEveryKeyWithNull() {
        assertThat(SwitchoverRequest.removal()).containsOnlyKeys(SwitchoverRequest.UID, SwitchoverRequest.FROM,
                SwitchoverRequest.TERM, SwitchoverRequest.TARGET).containsValues((String) null);
    }
}

package org.ferretdboperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2026-01-01T00:05:00.123456789Z");

    private static List<Condition> first() {
        return new Conditions(null, 1L, T0)
                .set(Conditions.READY, true, Conditions.REASON_READINESS_SUCCEEDED, "all ready")
                .set(Conditions.PROVISIONED, true, Conditions.REASON_PROVISIONED, "ready once")
                .list();
    }

    @Test
    void aConditionWhoseStatusHoldsKeepsItsTransitionTimeButTakesTheNewReasonMessageAndGeneration() {
        List<Condition> next = new Conditions(first(), 2L, T1)
                .set(Conditions.READY, Conditions.TRUE, "OtherReason", "still ready")
                .list();

        Condition ready = Conditions.find(next, Conditions.READY).orElseThrow();
        assertThat(ready.getLastTransitionTime()).isEqualTo(T0.toString());
        assertThat(ready.getReason()).isEqualTo("OtherReason");
        assertThat(ready.getMessage()).isEqualTo("still ready");
        assertThat(ready.getObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void aConditionThatFlipsOrIsNewGetsNowInWholeSeconds() {
        List<Condition> next = new Conditions(first(), 1L, T1)
                .set(Conditions.READY, false, Conditions.REASON_READINESS_FAILED, "one down")
                .set(Conditions.SYNCED, true, Conditions.REASON_RECONCILE_SUCCEEDED, "synced")
                .list();

        assertThat(Conditions.find(next, Conditions.READY).orElseThrow().getLastTransitionTime())
                .isEqualTo("2026-01-01T00:05:00Z");
        assertThat(Conditions.find(next, Conditions.SYNCED).orElseThrow().getLastTransitionTime())
                .isEqualTo("2026-01-01T00:05:00Z");
    }

    @Test
    void onlyWhatIsSetOrKeptIsInTheList() {
        Conditions conditions = new Conditions(first(), 1L, T1);
        assertThat(conditions.list()).isEmpty();
        assertThat(conditions.wasTrue(Conditions.PROVISIONED)).isTrue();
        assertThat(conditions.wasTrue(Conditions.SYNCED)).isFalse();

        conditions.keepAll().remove(Conditions.PROVISIONED);
        assertThat(conditions.list()).extracting(Condition::getType).containsExactly(Conditions.READY);
    }

    @Test
    void setReplacesAKeptConditionAndMovesItToTheEnd() {
        List<Condition> next = new Conditions(first(), 1L, T1)
                .keepAll()
                .set(Conditions.READY, false, Conditions.REASON_READINESS_FAILED, "down")
                .list();

        assertThat(next).extracting(Condition::getType).containsExactly(Conditions.PROVISIONED, Conditions.READY);
        assertThat(next).extracting(Condition::getStatus).containsExactly(Conditions.TRUE, Conditions.FALSE);
    }

    @Test
    void lookupsToleratesMissingListsAndConditions() {
        assertThat(Conditions.find(null, Conditions.READY)).isEmpty();
        assertThat(Conditions.isTrue(null, Conditions.READY)).isFalse();
        assertThat(Conditions.isTrue(first(), Conditions.SYNCED)).isFalse();
        assertThat(Conditions.messageWhen(first(), Conditions.READY, Conditions.TRUE)).hasValue("all ready");
        assertThat(Conditions.messageWhen(first(), Conditions.READY, Conditions.FALSE)).isEmpty();
    }
}

package org.ferretdboperator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.ops.LeaseSwitchover.Progress;
import org.ferretdboperator.ops.LeaseSwitchover.Reading;
import org.junit.jupiter.api.Test;

class LeaseSwitchoverReadingTest {

    static final SwitchoverRequest OURS = new SwitchoverRequest("uid-1", "pg-0", 6, "pg-4");

    static Lease lease(String holder, int transitions, Map<String, String> annotations) {
        return new LeaseBuilder().withNewMetadata().withName("pg-leader").withAnnotations(annotations).endMetadata()
                .withNewSpec().withHolderIdentity(holder).withLeaseTransitions(transitions).endSpec().build();
    }

    @Test
    void theAddressedHolderInTheRequestsTermIsWaiting() {
        Reading r = Reading.of(lease("pg-0", 6, OURS.encode()));
        assertThat(r.own("uid-1")).contains(OURS);
        assertThat(r.progress(OURS)).isEqualTo(Progress.WAITING);
    }

    @Test
    void anotherHolderInALaterTermHasTakenOverWithTheRequestStillOnTheLease() {
        Reading r = Reading.of(lease("pg-4", 7, OURS.encode()));
        assertThat(r.progress(OURS)).isEqualTo(Progress.HANDED_OVER);
        assertThat(r.holder()).contains("pg-4");
    }

    @Test
    void aVacantMissingOrRewrittenLeaseIsGone() {
        assertThat(Reading.of(null).progress(OURS)).isEqualTo(Progress.GONE);
        assertThat(Reading.of(lease(null, 7, OURS.encode())).progress(OURS)).isEqualTo(Progress.GONE);
        assertThat(Reading.of(lease("pg-0", 6, Map.of())).progress(OURS)).isEqualTo(Progress.GONE);
        assertThat(Reading.of(lease("pg-0", 7, OURS.encode())).progress(OURS)).as("the same holder, re-elected").isEqualTo(Progress.GONE);
    }

    /**
     * What CI saw: the holder read before the handover and the progress read after it made the step fail a switchover
     * to its target ("the Lease went to pg-0, not to spec.switchover.target pg-4"). Facts from one reading agree.
     */
    @Test
    void factsFromOneReadingNeverFailASwitchoverThatWentToItsTarget() {
        Reading after = Reading.of(lease("pg-4", 7, OURS.encode()));
        SwitchoverStep.Facts facts = new SwitchoverStep.Facts("pg", "uid-1", "pg-4", SwitchoverStepTest.MEMBERS_OF_FIVE,
                after.holder(), after.onLease(), after.own("uid-1").map(after::progress).orElse(Progress.GONE), true,
                Map.of("pg-4", "primary"), "NotReady", "pg-0", false);
        assertThat(SwitchoverStep.next(facts)).isInstanceOf(SwitchoverStep.Wait.class);

        SwitchoverStep.Facts mixed = new SwitchoverStep.Facts("pg", "uid-1", "pg-4", SwitchoverStepTest.MEMBERS_OF_FIVE,
                Optional.of("pg-0"), after.onLease(), Progress.HANDED_OVER, true, Map.of("pg-4", "primary"), "NotReady",
                "pg-0", false);
        assertThat(SwitchoverStep.next(mixed)).as("the mixed facts CI's reconcile had").isInstanceOf(SwitchoverStep.Fail.class);
    }
}

package org.ferretdboperator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.ops.LeaseSwitchover.Progress;
import org.junit.jupiter.api.Test;

class SwitchoverStepTest {

    static final List<String> MEMBERS = List.of("pg-0", "pg-1", "pg-2");
    static final List<String> MEMBERS_OF_FIVE = List.of("pg-0", "pg-1", "pg-2", "pg-3", "pg-4");
    static final SwitchoverRequest OURS = new SwitchoverRequest("uid-1", "pg-0", 3, null);

    static SwitchoverStep.Facts facts(String target, Optional<String> holder, Optional<SwitchoverRequest> onLease, Progress progress,
            boolean requestedBefore, Map<String, String> roles, String phase, String primary, boolean pastDeadline) {
        return new SwitchoverStep.Facts("pg", "uid-1", target, MEMBERS, holder, onLease, progress, requestedBefore, roles, phase,
                primary, pastDeadline);
    }

    static SwitchoverStep.Facts fresh(String target) {
        return facts(target, Optional.of("pg-0"), Optional.empty(), Progress.GONE, false, Map.of(), "Ready", "pg-0", false);
    }

    @Test
    void aFreshRequestIsWrittenForTheHolder() {
        assertThat(SwitchoverStep.next(fresh(null))).isEqualTo(new SwitchoverStep.Request(null));
        assertThat(SwitchoverStep.next(fresh("pg-2"))).isEqualTo(new SwitchoverStep.Request("pg-2"));
    }

    @Test
    void aTargetOutsideTheMembersFailsNamingTheField() {
        SwitchoverStep.Next next = SwitchoverStep.next(fresh("pg-7"));
        assertThat(next).isInstanceOf(SwitchoverStep.Fail.class);
        assertThat(((SwitchoverStep.Fail) next).message()).startsWith("spec.switchover.target: pg-7").contains("nothing was changed");
    }

    @Test
    void aTargetThatAlreadyLeadsSucceedsWithoutAnyWrite() {
        assertThat(SwitchoverStep.next(fresh("pg-0"))).isInstanceOf(SwitchoverStep.Succeed.class);
    }

    @Test
    void waitsForTheHandoverUntilTheDeadlineThenFails() {
        var waiting = facts(null, Optional.of("pg-0"), Optional.of(OURS), Progress.WAITING, true, Map.of(), "Ready", "pg-0", false);
        assertThat(SwitchoverStep.next(waiting)).isInstanceOf(SwitchoverStep.Wait.class);
        var late = facts(null, Optional.of("pg-0"), Optional.of(OURS), Progress.WAITING, true, Map.of(), "Ready", "pg-0", true);
        assertThat(SwitchoverStep.next(late)).isInstanceOf(SwitchoverStep.Fail.class);
    }

    @Test
    void succeedsOnlyOnceTheNewPrimaryLeadsAndTheOldOneFollowsAndPostgresIsReady() {
        Map<String, String> settled = Map.of("pg-0", "secondary", "pg-1", "secondary", "pg-2", "primary");
        var done = facts(null, Optional.of("pg-2"), Optional.of(OURS), Progress.HANDED_OVER, true, settled, "Ready", "pg-2", false);
        assertThat(SwitchoverStep.next(done)).isInstanceOf(SwitchoverStep.Succeed.class);
        var oldNotBack = facts(null, Optional.of("pg-2"), Optional.of(OURS), Progress.HANDED_OVER, true,
                Map.of("pg-2", "primary"), "Critical", "pg-2", false);
        assertThat(SwitchoverStep.next(oldNotBack)).isInstanceOf(SwitchoverStep.Wait.class);
        var staleStatus = facts(null, Optional.of("pg-2"), Optional.of(OURS), Progress.HANDED_OVER, true, settled, "Ready", "pg-0", false);
        assertThat(SwitchoverStep.next(staleStatus)).as("Postgres status not yet showing the new primary")
                .isInstanceOf(SwitchoverStep.Wait.class);
    }

    @Test
    void aLeaseThatWentElsewhereThanTheTargetFails() {
        SwitchoverRequest toPg1 = new SwitchoverRequest("uid-1", "pg-0", 3, "pg-1");
        var other = facts("pg-1", Optional.of("pg-2"), Optional.of(toPg1), Progress.HANDED_OVER, true, Map.of(), "Ready", "pg-2", false);
        assertThat(SwitchoverStep.next(other)).isInstanceOf(SwitchoverStep.Fail.class);
    }

    @Test
    void neverWritesASecondRequestOnceOneWasWritten() {
        var removed = facts(null, Optional.of("pg-0"), Optional.empty(), Progress.GONE, true, Map.of(), "Ready", "pg-0", false);
        assertThat(SwitchoverStep.next(removed)).isInstanceOf(SwitchoverStep.Fail.class);
    }

    @Test
    void anotherRequestOnTheLeaseOrNoHolderMakesItWaitUntilTheDeadline() {
        SwitchoverRequest theirs = new SwitchoverRequest("uid-2", "pg-0", 3, null);
        var busy = facts(null, Optional.of("pg-0"), Optional.of(theirs), Progress.GONE, false, Map.of(), "Ready", "pg-0", false);
        assertThat(SwitchoverStep.next(busy)).isInstanceOf(SwitchoverStep.Wait.class);
        var vacant = facts(null, Optional.empty(), Optional.empty(), Progress.GONE, false, Map.of(), "NotReady", null, false);
        assertThat(SwitchoverStep.next(vacant)).isInstanceOf(SwitchoverStep.Wait.class);
        var vacantLate = facts(null, Optional.empty(), Optional.empty(), Progress.GONE, false, Map.of(), "NotReady", null, true);
        assertThat(SwitchoverStep.next(vacantLate)).isInstanceOf(SwitchoverStep.Fail.class);
    }
}

package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ferretdboperator.coordinator.decision.Obs.P0;
import static org.ferretdboperator.coordinator.decision.Obs.P1;
import static org.ferretdboperator.coordinator.decision.Obs.P2;
import static org.ferretdboperator.coordinator.decision.Obs.SYSID;
import static org.ferretdboperator.coordinator.decision.Obs.addr;
import static org.ferretdboperator.coordinator.decision.Obs.record;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link LongAction}: whether a clone or rewind running beside the loop goes on, is cancelled, or makes it not live. */
class LongActionTest {

    private static final long STALL = 60_000;
    private static final LeaderRecord REC = record(P0, 5000, 1, Set.of(P1, P2), 1);
    private static final Action.CloneFrom CLONE = new Action.CloneFrom(P0, addr(P0));

    /** pg-1 cloning from pg-0, which leads; the observation made while the copy is half written. */
    private static Obs cloning() {
        return Obs.of(P1).stopped(false, 100, 1).liveLease(P0, REC);
    }

    private static LongAction.InFlight progressing() {
        return new LongAction.InFlight(CLONE, 90_000, 1_000, 300L << 20);
    }

    private static Decision ordinary() {
        return Decision.of("former primary: rewinding against pg-0", new Action.Rewind(P0, addr(P0)));
    }

    @Nested
    class Judge {

        @Test
        void aProgressingCloneGoesOnAndTheDecisionOfAHalfWrittenDirectoryIsNotCarriedOut() {
            LongAction.Verdict v = LongAction.judge(progressing(), ordinary(), cloning().build(), STALL);
            assertThat(v.cancel()).isFalse();
            assertThat(v.reason()).contains("cloning from pg-0").contains("300 MiB").contains("90 s");
        }

        @Test
        void shuttingDownCancelsIt() {
            Obs o = cloning();
            o.shuttingDown = true;
            LongAction.Verdict v = LongAction.judge(progressing(), ordinary(), o.build(), STALL);
            assertThat(v.cancel()).isTrue();
            assertThat(v.reason()).contains("shutting down");
        }

        @Test
        void aDecisionThatFencesCancelsIt() {
            Decision fence = Decision.of("fencing: the Lease is held by pg-2", new Action.Fence("the Lease is held by pg-2"));
            LongAction.Verdict v = LongAction.judge(progressing(), fence, cloning().build(), STALL);
            assertThat(v.cancel()).isTrue();
            assertThat(v.reason()).contains("stops PostgreSQL").contains("fencing");
        }

        @Test
        void aDecisionThatStopsPostgresCancelsIt() {
            Decision stop = Decision.of("standby stopping", new Action.StopFast());
            assertThat(LongAction.judge(progressing(), stop, cloning().build(), STALL).cancel()).isTrue();
        }

        @Test
        void anotherLeaderCancelsIt() {
            Obs o = Obs.of(P1).stopped(false, 100, 1).liveLease(P2, record(P2, 6000, 2, Set.of(P0, P1), 1));
            LongAction.Verdict v = LongAction.judge(progressing(), ordinary(), o.build(), STALL);
            assertThat(v.cancel()).isTrue();
            assertThat(v.reason()).contains("pg-2 leads now");
        }

        @Test
        void aLapsedLeaseOfTheSameLeaderDoesNotCancelIt() {
            // the source may still serve the copy; if it does not, the copy stops progressing and the stall bound ends it
            Obs o = Obs.of(P1).stopped(false, 100, 1).expiredLease(P0, REC);
            assertThat(LongAction.judge(progressing(), ordinary(), o.build(), STALL).cancel()).isFalse();
        }

        @Test
        void aLeaseSeenWithoutTheApiServerDoesNotCancelIt() {
            Obs o = Obs.of(P1).stopped(false, 100, 1).liveLease(P2, REC);
            o.apiReachable = false;
            assertThat(LongAction.judge(progressing(), ordinary(), o.build(), STALL).cancel()).isFalse();
        }

        @Test
        void holdingTheLeaseCancelsIt() {
            Obs o = Obs.of(P1).stopped(false, 100, 1).liveLease(P1, REC);
            LongAction.Verdict v = LongAction.judge(progressing(), ordinary(), o.build(), STALL);
            assertThat(v.cancel()).isTrue();
            assertThat(v.reason()).contains("holds the Lease");
        }

        @Test
        void aStalledCloneIsCancelled() {
            LongAction.InFlight stalled = new LongAction.InFlight(CLONE, 200_000, STALL + 1, 10L << 20);
            LongAction.Verdict v = LongAction.judge(stalled, ordinary(), cloning().build(), STALL);
            assertThat(v.cancel()).isTrue();
            assertThat(v.reason()).contains("no progress for 60001 ms");
        }

        @Test
        void aRewindIsNeverCancelledEvenWhenShuttingDownOrStalled() {
            // a half-rewound directory must not be started; a stalled rewind is the liveness check's (see Live)
            LongAction.InFlight rewind = new LongAction.InFlight(new Action.Rewind(P0, addr(P0)), 200_000, STALL + 1, 1L << 30);
            Obs o = Obs.of(P1).stopped(false, 100, 1).liveLease(P2, REC);
            o.shuttingDown = true;
            Decision fence = Decision.of("fencing", new Action.Fence("x"));
            LongAction.Verdict v = LongAction.judge(rewind, fence, o.build(), STALL);
            assertThat(v.cancel()).isFalse();
            assertThat(v.reason()).contains("rewinding against pg-0");
        }

        @Test
        void exactlyAtTheStallBoundItStillGoesOn() {
            LongAction.InFlight atBound = new LongAction.InFlight(CLONE, 200_000, STALL, 10L << 20);
            assertThat(LongAction.judge(atBound, ordinary(), cloning().build(), STALL).cancel()).isFalse();
        }
    }

    @Nested
    class Live {

        @Test
        void liveWhileTheLoopTicksAndNothingRuns() {
            assertThat(LongAction.live(300, 30_000, Optional.empty(), STALL)).isTrue();
        }

        @Test
        void notLiveWhenTheLoopIsLate() {
            assertThat(LongAction.live(30_000, 30_000, Optional.empty(), STALL)).isFalse();
        }

        @Test
        void liveThroughACloneLongerThanTheTickBoundWhileItProgresses() {
            assertThat(LongAction.live(300, 30_000, Optional.of(progressing()), STALL)).isTrue();
        }

        @Test
        void notLiveWhenTheCloneStalledBeyondTheBound() {
            LongAction.InFlight stalled = new LongAction.InFlight(CLONE, 200_000, STALL + 1, 10L << 20);
            assertThat(LongAction.live(300, 30_000, Optional.of(stalled), STALL)).isFalse();
        }
    }

    @Nested
    class Published {

        @Test
        void aCloningMemberPublishesNoPositionAndTheClustersIdentity() {
            // the half-copied directory's pg_control may already be there: its position must not be compared
            LocalInstance half = new LocalInstance(true, false, false, false, false, 1, 0, Lsn.UNKNOWN, Lsn.UNKNOWN, 4800,
                    false, null, 0, Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
            LeaseView lease = cloning().build().lease();
            MemberState s = LongAction.published(progressing(), half, lease, addr(P1), false, null);
            assertThat(s.role()).isEqualTo(LongAction.CLONING);
            assertThat(Lsn.known(s.lsn())).isFalse();
            assertThat(s.timeline()).isZero();
            assertThat(s.expiredLeaseVersion()).isNull();
            assertThat(s.healthy()).isFalse();
            assertThat(s.upstream()).isEqualTo(addr(P0));
            assertThat(s.systemIdentifier()).isEqualTo(SYSID);
        }

        @Test
        void aRewindingMemberSaysSo() {
            LongAction.InFlight rewind = new LongAction.InFlight(new Action.Rewind(P0, addr(P0)), 1_000, 0, 1L << 30);
            Obs o = cloning().stopped(false, 100, 1);
            MemberState s = LongAction.published(rewind, o.local, o.build().lease(), addr(P1), true, null);
            assertThat(s.role()).isEqualTo(LongAction.REWINDING);
            assertThat(s.shuttingDown()).isTrue();
            assertThat(s.systemIdentifier()).isEqualTo(SYSID);
        }
    }

    @Test
    void onlyClonesReclonesAndRewindsAreLong() {
        assertThat(LongAction.isLong(CLONE)).isTrue();
        assertThat(LongAction.isLong(new Action.Reclone(P0, addr(P0)))).isTrue();
        assertThat(LongAction.isLong(new Action.Rewind(P0, addr(P0)))).isTrue();
        assertThat(LongAction.isLong(new Action.StartStandby(P0, addr(P0)))).isFalse();
        assertThat(LongAction.isLong(new Action.InitDb())).isFalse();
        assertThatThrownBy(() -> new LongAction.InFlight(new Action.InitDb(), 0, 0, 0)).hasMessageContaining("InitDb");
    }
}

package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ferretdboperator.coordinator.decision.Obs.LEASE;
import static org.ferretdboperator.coordinator.decision.Obs.P0;
import static org.ferretdboperator.coordinator.decision.Obs.P1;
import static org.ferretdboperator.coordinator.decision.Obs.P2;
import static org.ferretdboperator.coordinator.decision.Obs.SYSID;
import static org.ferretdboperator.coordinator.decision.Obs.addr;
import static org.ferretdboperator.coordinator.decision.Obs.record;

import java.util.List;
import java.util.Set;
import org.ferretdboperator.coordinator.decision.Action.AcquireLease;
import org.ferretdboperator.coordinator.decision.Action.CloneFrom;
import org.ferretdboperator.coordinator.decision.Action.Detach;
import org.ferretdboperator.coordinator.decision.Action.EnsureAppUsers;
import org.ferretdboperator.coordinator.decision.Action.EnsureSlots;
import org.ferretdboperator.coordinator.decision.Action.Fence;
import org.ferretdboperator.coordinator.decision.Action.InitDb;
import org.ferretdboperator.coordinator.decision.Action.Promote;
import org.ferretdboperator.coordinator.decision.Action.PublishRole;
import org.ferretdboperator.coordinator.decision.Action.Reclone;
import org.ferretdboperator.coordinator.decision.Action.ReleaseLease;
import org.ferretdboperator.coordinator.decision.Action.RenewLease;
import org.ferretdboperator.coordinator.decision.Action.Repoint;
import org.ferretdboperator.coordinator.decision.Action.ResetSynchronousCommit;
import org.ferretdboperator.coordinator.decision.Action.Rewind;
import org.ferretdboperator.coordinator.decision.Action.SetSynchronousStandbys;
import org.ferretdboperator.coordinator.decision.Action.StartPrimary;
import org.ferretdboperator.coordinator.decision.Action.StartStandby;
import org.ferretdboperator.coordinator.decision.Action.StopFast;
import org.ferretdboperator.coordinator.decision.Action.Wait;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HaDecisionTest {

    static final SyncSetting ANY1_BOTH = new SyncSetting(1, Set.of(P1, P2));
    static final Set<String> ALL_SLOTS_FROM_P0 = Set.of("pg_1", "pg_2");

    /** pg-0 leading, both standbys streaming, settings and records in their steady state. */
    static Obs steadyLeader() {
        Obs o = Obs.of(P0).primary(5000, 2, Set.of(P1, P2), ANY1_BOTH, ALL_SLOTS_FROM_P0)
                .liveLease(P0, record(P0, 4900, 2, Set.of(P1, P2), 1));
        o.label = "primary";
        o.memory = new Memory(null, 3);
        return o;
    }

    // ------------------------------------------------------------------------------------------------------------
    @Nested
    class RunningPrimary {

        @Test
        void steadyLeaderOnlyRenews() {
            Decision d = steadyLeader().decide();
            assertThat(d.kinds()).containsExactly("RenewLease");
            LeaderRecord written = d.first(RenewLease.class).record();
            assertThat(written.leaderLsn()).isEqualTo(5000);
            assertThat(written.leaderAddress()).isEqualTo(addr(P0));
            assertThat(written.syncMembers()).containsExactlyInAnyOrder(P1, P2);
            assertThat(written.syncQuorum()).isEqualTo(1);
            assertThat(written.handoverTo()).isNull();
        }

        @Test
        void leaderLabelsItselfPrimaryRightAfterRenewing() {
            Obs o = steadyLeader();
            o.label = null;
            assertThat(o.decide().kinds()).containsExactly("RenewLease", "PublishRole");
            assertThat(o.decide().first(PublishRole.class).role()).isEqualTo(Role.PRIMARY);
        }

        @Test
        void fencesWhenAnotherMemberHoldsTheLease() {
            Obs o = steadyLeader().liveLease(P1, record(P1, 5000, 3, Set.of(P0, P2), 1));
            Decision d = o.decide();
            assertThat(d.kinds()).containsExactly("Fence", "PublishRole");
            assertThat(d.first(PublishRole.class).role()).isEqualTo(Role.NONE);
            assertThat(d.status()).contains("held by pg-1");
        }

        @Test
        void fencesWhenItCouldNotRenewWithinRenewDeadline() {
            Obs o = steadyLeader().lease(P0, "100", 3, 1300, 1201, record(P0, 4900, 2, Set.of(P1, P2), 1));
            assertThat(o.decide().actions().get(0)).isInstanceOf(Fence.class);
        }

        @Test
        void keepsServingJustInsideRenewDeadline() {
            Obs o = steadyLeader().lease(P0, "100", 3, 1200, 1200, record(P0, 4900, 2, Set.of(P1, P2), 1));
            assertThat(o.decide().contains(Fence.class)).isFalse();
        }

        @Test
        void fencesAfterCoordinatorRestartBeforeAnyOwnRenew() {
            // A new coordinator process cannot know when the Lease was last renewed: followers may already see it lapse.
            Obs o = steadyLeader().lease(P0, "100", 3, 10, -1, record(P0, 4900, 2, Set.of(P1, P2), 1));
            assertThat(o.decide().first(Fence.class).reason()).contains("without a Lease renewal by this coordinator");
        }

        @Test
        void fencesWhenTheLeaseDoesNotExist() {
            Obs o = steadyLeader();
            o.lease = LeaseView.absent();
            assertThat(o.decide().actions().get(0)).isInstanceOf(Fence.class);
        }

        @Test
        void withoutApiAccessFencesButCannotTouchItsLabel() {
            Obs o = steadyLeader().lease(P0, "100", 3, 3000, 1500, record(P0, 4900, 2, Set.of(P1, P2), 1));
            o.apiReachable = false;
            assertThat(o.decide().kinds()).containsExactly("Fence");
        }

        @Test
        void withoutApiAccessKeepsTryingToRenewInsideDeadline() {
            Obs o = steadyLeader().lease(P0, "100", 3, 500, 500, record(P0, 4900, 2, Set.of(P1, P2), 1));
            o.apiReachable = false;
            assertThat(o.decide().kinds()).containsExactly("RenewLease");
        }

        @Test
        void ensuresApplicationRolesOncePerTerm() {
            Obs o = steadyLeader();
            o.memory = new Memory(null, 2);
            assertThat(o.decide().first(EnsureAppUsers.class).term()).isEqualTo(3);
            o.memory = new Memory(null, 3);
            assertThat(o.decide().contains(EnsureAppUsers.class)).isFalse();
        }

        @Test
        void createsMissingMemberSlotsAndDropsOnlyStaleMemberSlots() {
            Obs o = steadyLeader().primary(5000, 2, Set.of(P1, P2), ANY1_BOTH, Set.of("pg_1", "pg_5", "backup_tool"));
            EnsureSlots slots = o.decide().first(EnsureSlots.class);
            assertThat(slots.create()).containsExactly("pg_2");
            assertThat(slots.drop()).containsExactly("pg_5");
        }

        @Test
        void singleMemberClusterRunsWithoutSynchronousStandbysOrSlots() {
            Obs o = steadyLeader().primary(5000, 1, Set.of(), SyncSetting.NONE, Set.of())
                    .liveLease(P0, record(P0, 4900, 1, Set.of(), 0));
            o.members = List.of(P0);
            Decision d = o.decide();
            assertThat(d.kinds()).containsExactly("RenewLease");
            assertThat(d.first(RenewLease.class).record().syncMembers()).isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    @Nested
    class SynchronousSet {

        @Test
        void widensTheRecordedSetBeforePostgres() {
            Obs o = steadyLeader().primary(5000, 2, Set.of(P1, P2), new SyncSetting(1, Set.of(P1)), ALL_SLOTS_FROM_P0)
                    .liveLease(P0, record(P0, 4900, 2, Set.of(P1), 1));
            Decision d = o.decide();
            assertThat(d.first(RenewLease.class).record().syncMembers()).containsExactlyInAnyOrder(P1, P2);
            assertThat(d.contains(SetSynchronousStandbys.class)).isFalse();
        }

        @Test
        void widensPostgresOnceTheRecordCoversIt() {
            Obs o = steadyLeader().primary(5000, 2, Set.of(P1, P2), new SyncSetting(1, Set.of(P1)), ALL_SLOTS_FROM_P0);
            Decision d = o.decide();
            assertThat(d.first(SetSynchronousStandbys.class).setting()).isEqualTo(ANY1_BOTH);
            assertThat(d.first(RenewLease.class).record().syncMembers()).containsExactlyInAnyOrder(P1, P2);
        }

        @Test
        void narrowsPostgresFirstWhenAStandbyStopsStreaming() {
            Obs o = steadyLeader().primary(5000, 2, Set.of(P1), ANY1_BOTH, ALL_SLOTS_FROM_P0);
            Decision d = o.decide();
            assertThat(d.first(SetSynchronousStandbys.class).setting()).isEqualTo(new SyncSetting(1, Set.of(P1)));
            // the record keeps pg-2 until PostgreSQL no longer counts its acknowledgements
            assertThat(d.first(RenewLease.class).record().syncMembers()).containsExactlyInAnyOrder(P1, P2);
        }

        @Test
        void narrowsTheRecordOnlyAfterPostgres() {
            Obs o = steadyLeader().primary(5000, 2, Set.of(P1), new SyncSetting(1, Set.of(P1)), ALL_SLOTS_FROM_P0);
            Decision d = o.decide();
            assertThat(d.contains(SetSynchronousStandbys.class)).isFalse();
            assertThat(d.first(RenewLease.class).record().syncMembers()).containsExactly(P1);
        }

        @Test
        void strictModeNeverEmptiesTheSetWhenNoStandbyStreams() {
            Obs o = steadyLeader().primary(5000, 2, Set.of(), ANY1_BOTH, ALL_SLOTS_FROM_P0);
            Decision d = o.decide();
            assertThat(d.contains(SetSynchronousStandbys.class)).isFalse();
            assertThat(d.first(RenewLease.class).record().syncMembers()).containsExactlyInAnyOrder(P1, P2);
        }

        @Test
        void anEmptySettingIsRecordedThenEnforcedOverAllOtherMembers() {
            Obs o = steadyLeader().primary(5000, 2, Set.of(), SyncSetting.NONE, ALL_SLOTS_FROM_P0)
                    .liveLease(P0, record(P0, 4900, 2, Set.of(), 0));
            Decision first = o.decide();
            assertThat(first.contains(SetSynchronousStandbys.class)).isFalse();
            assertThat(first.first(RenewLease.class).record().syncMembers()).containsExactlyInAnyOrder(P1, P2);
            o.liveLease(P0, record(P0, 4900, 2, Set.of(P1, P2), 1));
            assertThat(o.decide().first(SetSynchronousStandbys.class).setting()).isEqualTo(ANY1_BOTH);
        }

        @Test
        void anUnmanagedSettingIsReplacedOnlyAfterRecordingEveryOtherMember() {
            Obs o = steadyLeader().primary(5000, 2, Set.of(P1), SyncSetting.UNMANAGED, ALL_SLOTS_FROM_P0)
                    .liveLease(P0, record(P0, 4900, 2, Set.of(P1), 1));
            Decision d = o.decide();
            assertThat(d.contains(SetSynchronousStandbys.class)).isFalse();
            assertThat(d.first(RenewLease.class).record().syncMembers()).containsExactlyInAnyOrder(P1, P2);
        }

        @Test
        void revertsStoredSynchronousCommitDefaultsThatWeakenSynchronousMode() {
            SyncCommitOverride weak = new SyncCommitOverride("app", "app", "local");
            SyncCommitOverride strong = new SyncCommitOverride(null, "reporting", "remote_apply");
            Decision d = steadyLeader().withSyncCommitOverrides(Set.of(weak, strong)).decide();
            assertThat(d.kinds()).containsExactly("RenewLease", "ResetSynchronousCommit");
            assertThat(d.first(ResetSynchronousCommit.class).overrides()).containsExactly(weak);
            assertThat(d.status()).contains("reverting");
        }

        @Test
        void leavesStoredSynchronousCommitDefaultsAloneInAsynchronousMode() {
            Obs o = steadyLeader().withSyncCommitOverrides(Set.of(new SyncCommitOverride(null, null, "off")));
            o.synchronous = false;
            assertThat(o.decide().contains(ResetSynchronousCommit.class)).isFalse();
        }

        @Test
        void asynchronousModeClearsTheSettingAndRecordsStreamingStandbys() {
            Obs o = steadyLeader();
            o.synchronous = false;
            Decision d = o.decide();
            assertThat(d.first(SetSynchronousStandbys.class).setting()).isEqualTo(SyncSetting.NONE);
            assertThat(d.first(RenewLease.class).record().syncQuorum()).isZero();
            assertThat(d.first(RenewLease.class).record().syncMembers()).containsExactlyInAnyOrder(P1, P2);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    @Nested
    class GracefulStop {

        Obs leaving() {
            Obs o = steadyLeader();
            o.shuttingDown = true;
            o.streamingPeer(P1, 4990, 2, P0).streamingPeer(P2, 5000, 2, P0);
            return o;
        }

        @Test
        void primaryStopsFastHandsOverToTheMostAdvancedStandbyThenUnlabels() {
            Decision d = leaving().decide();
            assertThat(d.kinds()).containsExactly("StopFast", "ReleaseLease", "PublishRole");
            assertThat(d.first(ReleaseLease.class).handoverTo()).isEqualTo(P2);
        }

        @Test
        void tieGoesToTheLowestOrdinal() {
            Obs o = leaving().streamingPeer(P1, 5000, 2, P0);
            assertThat(o.decide().first(ReleaseLease.class).handoverTo()).isEqualTo(P1);
        }

        @Test
        void skipsStandbysThatAreLeavingOrOutsideTheSynchronousSet() {
            Obs o = leaving().liveLease(P0, record(P0, 4900, 2, Set.of(P1), 1));
            o.peer(P1, new MemberState(MemberState.STANDBY, 2, 4990, true, addr(P0), true, addr(P1), true, null, SYSID, 1), 100);
            // pg-1 is leaving, pg-2 is not in the recorded synchronous set
            assertThat(o.decide().first(ReleaseLease.class).handoverTo()).isNull();
        }

        @Test
        void skipsStandbysFollowingSomeoneElse() {
            Obs o = leaving().streamingPeer(P1, 4990, 2, P2).streamingPeer(P2, 5000, 2, P1);
            assertThat(o.decide().first(ReleaseLease.class).handoverTo()).isNull();
        }

        @Test
        void withoutApiAccessOnlyStopsFast() {
            Obs o = leaving();
            o.apiReachable = false;
            assertThat(o.decide().kinds()).containsExactly("StopFast");
        }

        @Test
        void stoppedLeaderStillHoldingTheLeaseReleasesItOnShutdown() {
            Obs o = leaving().stopped(false, 5100, 2);
            o.label = null;
            assertThat(o.decide().kinds()).containsExactly("ReleaseLease");
        }

        @Test
        void standbyJustStops() {
            Obs o = Obs.of(P1).standby(5000, 2, true, addr(P0)).liveLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1));
            o.label = "secondary";
            o.shuttingDown = true;
            assertThat(o.decide().kinds()).containsExactly("PublishRole", "StopFast");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    @Nested
    class RunningStandby {

        Obs following() {
            Obs o = Obs.of(P1).standby(5000, 2, true, addr(P0)).liveLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1));
            o.label = "secondary";
            return o;
        }

        @Test
        void followsTheLiveLeaderWithoutActing() {
            Decision d = following().decide();
            assertThat(d.kinds()).containsExactly("Wait");
            assertThat(d.status()).contains("following pg-0");
        }

        @Test
        void labelsItselfSecondary() {
            Obs o = following();
            o.label = null;
            assertThat(o.decide().first(PublishRole.class).role()).isEqualTo(Role.SECONDARY);
        }

        @Test
        void repointsToANewLeaderWithoutRestart() {
            Obs o = following().liveLease(P2, record(P2, 5100, 3, Set.of(P0, P1), 1));
            Repoint repoint = o.decide().first(Repoint.class);
            assertThat(repoint.leader()).isEqualTo(P2);
            assertThat(repoint.address()).isEqualTo(addr(P2));
        }

        @Test
        void waitsWhileTheLeaderHasNoAddress() {
            Obs o = following().liveLease(P0, new LeaderRecord(null, 1, 1, null, SYSID, Set.of(), 0, null, -1));
            assertThat(o.decide().kinds()).containsExactly("Wait");
        }

        @Test
        void withoutApiAccessNeverTakesOver() {
            Obs o = following().expiredLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1)).finalPeer(P2, 4000, 2, "100");
            o.apiReachable = false;
            assertThat(o.decide().kinds()).containsExactly("Wait");
        }

        @Test
        void rewindsWhenItsTimelineForkedBeforeItsPosition() {
            LeaderRecord rec = new LeaderRecord(addr(P2), 9000, 3, TimelineHistory.decode("1:0/1000,2:0/2000"), SYSID,
                    Set.of(P0, P1), 1, null, -1);
            Obs o = following().standbyReceiverDown(0x2500, 2, addr(P2), LEASE).liveLease(P2, rec);
            assertThat(o.decide().first(Rewind.class).leader()).isEqualTo(P2);
        }

        @Test
        void doesNotRewindWhileTheReceiverHasOnlyJustStopped() {
            LeaderRecord rec = new LeaderRecord(addr(P2), 9000, 3, TimelineHistory.decode("1:0/1000,2:0/2000"), SYSID,
                    Set.of(P0, P1), 1, null, -1);
            Obs o = following().standbyReceiverDown(0x2500, 2, addr(P2), 300).liveLease(P2, rec);
            assertThat(o.decide().contains(Rewind.class)).isFalse();
        }

        @Test
        void doesNotRewindWhenItStoppedBeforeTheForkPoint() {
            LeaderRecord rec = new LeaderRecord(addr(P2), 9000, 3, TimelineHistory.decode("1:0/1000,2:0/2000"), SYSID,
                    Set.of(P0, P1), 1, null, -1);
            Obs o = following().standbyReceiverDown(0x1F00, 2, addr(P2), LEASE).liveLease(P2, rec);
            assertThat(o.decide().contains(Rewind.class)).isFalse();
        }

        @Test
        void reclonesWhenRewindAlreadyFailedAgainstThisLeader() {
            LeaderRecord rec = new LeaderRecord(addr(P2), 9000, 3, TimelineHistory.decode("2:0/2000"), SYSID, Set.of(P0, P1),
                    1, null, -1);
            Obs o = following().standbyReceiverDown(0x2500, 2, addr(P2), LEASE).liveLease(P2, rec);
            o.memory = new Memory(HaDecision.leaderTermKey(P2, 3), -1);
            assertThat(o.decide().first(Reclone.class).leader()).isEqualTo(P2);
        }

        @Test
        void reclonesWhenItCannotStreamForLong() {
            Obs o = following().standbyReceiverDown(5000, 2, addr(P0), 61_000);
            assertThat(o.decide().contains(Reclone.class)).isTrue();
        }

        @Test
        void reclonesDataOfAnotherCluster() {
            Obs o = following().withSystemIdentifier(42);
            assertThat(o.decide().contains(Reclone.class)).isTrue();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    @Nested
    class SynchronousFailover {

        /** pg-1's view after pg-0 crashed: its receiver stopped, the Lease (version 100) lapsed. */
        Obs afterLeaderCrash() {
            Obs o = Obs.of(P1).standby(5000, 2, false, addr(P0)).expiredLease(P0, record(P0, 4990, 2, Set.of(P1, P2), 1));
            o.label = "secondary";
            o.probe = LeaderProbe.UNREACHABLE;
            return o;
        }

        @Test
        void promotesWhenAtOrPastTheOtherSynchronousMembersFinalPosition() {
            Decision d = afterLeaderCrash().finalPeer(P2, 4800, 2, "100").decide();
            assertThat(d.kinds()).containsExactly("AcquireLease", "SetSynchronousStandbys", "Promote", "PublishRole",
                    "EnsureSlots");
            AcquireLease acquire = d.first(AcquireLease.class);
            assertThat(acquire.term()).isEqualTo(4);
            assertThat(acquire.record().leaderAddress()).isEqualTo(addr(P1));
            assertThat(acquire.record().syncMembers()).containsExactlyInAnyOrder(P0, P2);
            assertThat(d.first(SetSynchronousStandbys.class).setting()).isEqualTo(new SyncSetting(1, Set.of(P0, P2)));
            assertThat(d.first(PublishRole.class).role()).isEqualTo(Role.PRIMARY);
        }

        @Test
        void doesNotActBeforeItHasSeenTheLeaseUnchangedForLeaseDuration() {
            Obs o = afterLeaderCrash().lease(P0, "100", 3, LEASE - 1, -1, record(P0, 4990, 2, Set.of(P1, P2), 1))
                    .finalPeer(P2, 4800, 2, "100");
            assertThat(o.decide().contains(AcquireLease.class)).isFalse();
        }

        @Test
        void blockedWhileTheOtherMembersPositionIsNotFinal() {
            Obs o = afterLeaderCrash().streamingPeer(P2, 4800, 2, P0);
            Decision d = o.decide();
            assertThat(d.blocked()).isTrue();
            assertThat(d.status()).contains("cannot prove candidate holds every acknowledged commit");
        }

        @Test
        void aFinalPositionForAnEarlierLeaseVersionProvesNothing() {
            Decision d = afterLeaderCrash().finalPeer(P2, 4800, 2, "99").decide();
            assertThat(d.blocked()).isTrue();
        }

        @Test
        void defersToAMoreAdvancedMember() {
            Decision d = afterLeaderCrash().finalPeer(P2, 5001, 2, "100").decide();
            assertThat(d.contains(AcquireLease.class)).isFalse();
            assertThat(d.status()).contains("defer to pg-2");
        }

        @Test
        void equalPositionsGoToTheLowestOrdinal() {
            assertThat(afterLeaderCrash().finalPeer(P2, 5000, 2, "100").decide().contains(AcquireLease.class)).isTrue();
            Obs fromP2 = Obs.of(P2).standby(5000, 2, false, addr(P0)).expiredLease(P0, record(P0, 4990, 2, Set.of(P1, P2), 1))
                    .finalPeer(P1, 5000, 2, "100");
            assertThat(fromP2.decide().contains(AcquireLease.class)).isFalse();
        }

        @Test
        void equalPositionsDeferToALowerOrdinalThatIsNotStreamingEither() {
            // once the leader is gone no standby is ready (none streams), but a final position proves the peer races too
            Obs fromP2 = Obs.of(P2).standby(5000, 2, false, addr(P0)).expiredLease(P0, record(P0, 4990, 2, Set.of(P1, P2), 1))
                    .peer(P1, new MemberState(MemberState.STANDBY, 2, 5000, false, null, false, addr(P1), false, "100", SYSID, 4),
                            50);
            assertThat(fromP2.decide().status()).contains("defer to pg-1");
            fromP2.peer(P1, new MemberState(MemberState.STANDBY, 2, 5000, false, null, false, addr(P1), false, "100", SYSID, 4),
                    LEASE * 4);
            assertThat(fromP2.decide().contains(Promote.class)).as("a silent peer is not waited for").isTrue();
        }

        @Test
        void aMemberOutsideTheRecordedSetNeverPromotes() {
            Obs o = afterLeaderCrash().expiredLease(P0, record(P0, 4990, 2, Set.of(P2), 1)).finalPeer(P2, 10, 2, "100");
            assertThat(o.decide().status()).contains("not in the recorded synchronous set");
        }

        @Test
        void withoutARecordedSetNothingCanBeProven() {
            Obs o = afterLeaderCrash().expiredLease(P0, record(P0, 4990, 2, Set.of(), 0)).finalPeer(P2, 10, 2, "100");
            assertThat(o.decide().blocked()).isTrue();
        }

        @Test
        void fiveMembersNeedTheFinalPositionOfThreeOthers() {
            Obs o = afterLeaderCrash().expiredLease(P0, record(P0, 4990, 2, Set.of(P1, P2, "pg-3", "pg-4"), 1));
            o.members = List.of(P0, P1, P2, "pg-3", "pg-4");
            o.finalPeer(P2, 4000, 2, "100").finalPeer("pg-3", 4000, 2, "100");
            assertThat(o.decide().blocked()).isTrue();
            o.finalPeer("pg-4", 4000, 2, "100");
            assertThat(o.decide().contains(Promote.class)).isTrue();
        }

        @Test
        void aCleanlyStoppedLeadersFinalPositionIsProofEnough() {
            LeaderRecord rec = record(P0, 4990, 2, Set.of(P1, P2), 1).withHandover(null, 5000);
            Obs o = afterLeaderCrash().lease(P0, "101", 4, 10, -1, rec);
            o.lease = new LeaseView(true, "", "101", 4, 10, -1, true, rec);
            Decision d = o.decide();
            assertThat(d.contains(Promote.class)).isTrue();
            assertThat(d.first(AcquireLease.class).term()).isEqualTo(5);
        }

        @Test
        void neverPromotesWhileTheOldPrimaryStillAcceptsWrites() {
            Obs o = afterLeaderCrash().finalPeer(P2, 4800, 2, "100");
            o.probe = LeaderProbe.WRITABLE;
            Decision d = o.decide();
            assertThat(d.blocked()).isTrue();
            assertThat(d.contains(AcquireLease.class)).isFalse();
        }

        @Test
        void neverDetachesNorPromotesWhileTheOldPrimaryRunsButRefusesTheProbe() {
            // e.g. max_connections exhausted or pg_hba rejecting this member: the server runs, its sessions commit
            Obs o = afterLeaderCrash().standby(5000, 2, true, addr(P0)).finalPeer(P2, 4800, 2, "100");
            o.probe = LeaderProbe.REFUSING;
            Decision d = o.decide();
            assertThat(d.blocked()).isTrue();
            assertThat(d.contains(Detach.class)).isFalse();
            assertThat(d.contains(AcquireLease.class)).isFalse();
            assertThat(d.status()).contains("is running");
        }

        @Test
        void detachesAReceiverStillStreamingAfterTheLeaseLapsed() {
            Obs o = afterLeaderCrash().standby(5000, 2, true, addr(P0)).finalPeer(P2, 4800, 2, "100");
            assertThat(o.decide().kinds()).containsExactly("Detach");
        }

        @Test
        void aMemberBehindTheLeadersTimelineNeverPromotes() {
            Obs o = afterLeaderCrash().standby(5000, 1, false, addr(P0)).finalPeer(P2, 4800, 1, "100");
            assertThat(o.decide().status()).contains("behind the last leader's timeline");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    @Nested
    class AsynchronousFailover {

        Obs afterLeaderCrash() {
            Obs o = Obs.of(P1).standby(5000, 2, false, addr(P0)).expiredLease(P0, record(P0, 5100, 2, Set.of(P1, P2), 0));
            o.synchronous = false;
            o.label = "secondary";
            return o;
        }

        @Test
        void survivorPromotesWhenMostAdvancedOfItsHealthyPeers() {
            Obs o = afterLeaderCrash().streamingPeer(P2, 4000, 2, P0);
            Decision d = o.decide();
            assertThat(d.contains(Promote.class)).isTrue();
            assertThat(d.contains(SetSynchronousStandbys.class)).isFalse();
        }

        @Test
        void survivorIgnoresADeadPeersStaleState() {
            Obs o = afterLeaderCrash().peer(P2, new MemberState(MemberState.STANDBY, 2, 9000, true, addr(P0), true, addr(P2),
                    false, null, SYSID, 1), 60_000);
            assertThat(o.decide().contains(Promote.class)).isTrue();
        }

        @Test
        void defersToAMoreAdvancedHealthyPeer() {
            Obs o = afterLeaderCrash().streamingPeer(P2, 5050, 2, P0);
            assertThat(o.decide().status()).contains("defer to pg-2");
        }

        @Test
        void refusesBeyondMaximumLagBeforeFailover() {
            Obs o = afterLeaderCrash().expiredLease(P0, record(P0, 5000 + (1 << 20) + 1, 2, Set.of(P1, P2), 0));
            assertThat(o.decide().status()).contains("maximumLagBeforeFailover");
        }

        @Test
        void anUnknownLeaderPositionNeverPassesTheLagGate() {
            Obs o = afterLeaderCrash().expiredLease(P0, record(P0, Lsn.UNKNOWN, 2, Set.of(P1, P2), 0));
            Decision d = o.decide();
            assertThat(d.blocked()).isTrue();
            assertThat(d.contains(AcquireLease.class)).isFalse();
            assertThat(d.status()).contains("published WAL position is unknown");
        }

        @Test
        void firstBackAfterAFullOutageWaitsForEveryRecordedMember() {
            Obs o = afterLeaderCrash().notSurvivor();
            Decision d = o.decide();
            assertThat(d.blocked()).isTrue();
            assertThat(d.status()).contains("first member back");
        }

        @Test
        void firstBackPromotesOnceEveryRecordedMemberIsProvenBehind() {
            Obs o = afterLeaderCrash().notSurvivor().finalPeer(P2, 4999, 2, "100");
            assertThat(o.decide().contains(Promote.class)).isTrue();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    @Nested
    class Handover {

        Obs handedToP1(long finalLsn, long unchangedFor) {
            LeaderRecord rec = record(P0, 4990, 2, Set.of(P1, P2), 1).withHandover(P1, finalLsn);
            Obs o = Obs.of(P1).standby(5000, 2, false, addr(P0)).lease(P1, "200", 4, unchangedFor, -1, rec);
            o.label = "secondary";
            return o;
        }

        @Test
        void candidateTakesOverAtOnceWhenItHoldsTheFinalPosition() {
            Decision d = handedToP1(5000, 0).decide();
            assertThat(d.kinds()).startsWith("AcquireLease").contains("Promote");
            assertThat(d.first(AcquireLease.class).term()).isEqualTo(4);
        }

        @Test
        void candidateWaitsForTheFinalPositionWithoutReleasing() {
            Decision d = handedToP1(5001, 500).decide();
            assertThat(d.contains(Promote.class)).isFalse();
            assertThat(d.contains(ReleaseLease.class)).isFalse();
            assertThat(d.status()).contains("waiting to receive the last leader's final WAL position");
        }

        @Test
        void candidateThatCannotProveReleasesAfterLeaseDuration() {
            Decision d = handedToP1(5001, LEASE).decide();
            assertThat(d.first(ReleaseLease.class).handoverTo()).isNull();
        }

        /**
         * P0 handed over to P1, which promoted (timeline 2) and was stopped before any renew: it released with its
         * final position on timeline 2 while its record still said timeline 1. P1, back read-only at that position,
         * is not in the synchronous set recorded before the promotion; only the timeline it records on release lets
         * it prove itself, where P0 and P2 (on timeline 1, behind the promotion) wait for each other forever.
         */
        @Test
        void aLeaderThatReleasedRightAfterPromotingComesBackAsPrimary() {
            LeaderRecord beforePromotion = record(P1, 4990, 1, Set.of(P0, P2), 1);
            LeaderRecord released = ReleasePosition.released(beforePromotion, true,
                    java.util.Optional.of(new ReleasePosition.Shutdown(true, 5000, 2)), null, 2, TimelineHistory.EMPTY);
            Obs back = Obs.of(P1).standby(5000, 2, false, null).lease(null, "300", 4, LEASE, -1, released);
            back.label = "secondary";
            assertThat(back.decide().kinds()).contains("Promote");

            LeaderRecord asBefore = beforePromotion.withHandover(null, 5000);
            Obs stuck = Obs.of(P1).standby(5000, 2, false, null).lease(null, "300", 4, LEASE, -1, asBefore);
            stuck.label = "secondary";
            assertThat(stuck.decide().contains(Promote.class)).as("the record without the new timeline").isFalse();
        }

        @Test
        void otherStandbysFollowTheCandidate() {
            LeaderRecord rec = record(P1, 4990, 2, Set.of(P1, P2), 1).withHandover(P1, 5000);
            Obs o = Obs.of(P2).standby(5000, 2, false, addr(P0)).lease(P1, "200", 4, 0, -1, rec);
            assertThat(o.decide().first(Repoint.class).leader()).isEqualTo(P1);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    @Nested
    class Stopped {

        @Test
        void emptyDataDirectoryClonesFromTheLiveLeader() {
            Obs o = Obs.of(P1).empty().liveLease(P0, record(P0, 5000, 2, Set.of(P2), 1));
            assertThat(o.decide().first(CloneFrom.class).address()).isEqualTo(addr(P0));
        }

        @Test
        void onlyTheFirstMemberInitialisesANewCluster() {
            assertThat(Obs.of(P0).empty().othersEmpty().decide().kinds()).containsExactly("InitDb");
            assertThat(Obs.of(P1).empty().othersEmpty().decide().kinds()).containsExactly("Wait");
        }

        @Test
        void aBootstrappedClusterIsNeverInitialisedAgain() {
            Obs o = Obs.of(P0).empty().expiredLease(P1, record(P1, 5000, 2, Set.of(P0, P2), 1));
            Decision d = o.decide();
            assertThat(d.contains(InitDb.class)).isFalse();
            assertThat(d.blocked()).isTrue();
        }

        @Test
        void bootstrapMemberTakesTheLeaseThenStartsPrimary() {
            Decision d = Obs.of(P0).stopped(false, 100, 1).othersEmpty().decide();
            assertThat(d.kinds()).containsExactly("AcquireLease", "StartPrimary");
            assertThat(d.first(AcquireLease.class).term()).isEqualTo(1);
            assertThat(d.first(AcquireLease.class).record().systemIdentifier()).isEqualTo(SYSID);
        }

        @Test
        void lastHolderBackFirstRestartsAsPrimary() {
            Obs o = Obs.of(P0).stopped(false, 5000, 2).lease(P0, "100", 3, 0, -1, record(P0, 5000, 2, Set.of(P1, P2), 1));
            Decision d = o.decide();
            assertThat(d.kinds()).containsExactly("AcquireLease", "StartPrimary");
            assertThat(d.first(AcquireLease.class).term()).isEqualTo(3);
        }

        @Test
        void anotherMemberBackFirstNeverStartsAsPrimary() {
            Obs o = Obs.of(P1).stopped(true, 4000, 2).expiredLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1)).notSurvivor();
            Decision d = o.decide();
            assertThat(d.first(StartStandby.class).leader()).isNull();
            assertThat(d.contains(AcquireLease.class)).isFalse();
            assertThat(d.contains(StartPrimary.class)).isFalse();
        }

        @Test
        void thenCannotProveAnythingAloneAndStaysBlocked() {
            Obs o = Obs.of(P1).standby(4000, 2, false, null).expiredLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1))
                    .notSurvivor();
            o.probe = LeaderProbe.UNREACHABLE;
            Decision d = o.decide();
            assertThat(d.blocked()).isTrue();
            assertThat(d.contains(Promote.class)).isFalse();
        }

        @Test
        void formerPrimaryRewindsAgainstTheNewLeader() {
            Obs o = Obs.of(P0).stopped(false, 5000, 2).liveLease(P1, record(P1, 6000, 3, Set.of(P0, P2), 1));
            Rewind rewind = o.decide().first(Rewind.class);
            assertThat(rewind.leader()).isEqualTo(P1);
            assertThat(rewind.address()).isEqualTo(addr(P1));
        }

        @Test
        void formerPrimaryReclonesWhenRewindFailed() {
            Obs o = Obs.of(P0).stopped(false, 5000, 2).liveLease(P1, record(P1, 6000, 3, Set.of(P0, P2), 1));
            o.memory = new Memory(HaDecision.leaderTermKey(P1, 3), -1);
            assertThat(o.decide().kinds()).containsExactly("Reclone");
        }

        @Test
        void stoppedStandbyStartsFollowingTheLeader() {
            Obs o = Obs.of(P2).stopped(true, 4000, 2).liveLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1));
            StartStandby start = o.decide().first(StartStandby.class);
            assertThat(start.leader()).isEqualTo(P0);
        }

        @Test
        void stoppedStandbyPastTheForkPointRewinds() {
            LeaderRecord rec = new LeaderRecord(addr(P1), 9000, 3, TimelineHistory.decode("2:0/2000"), SYSID, Set.of(P0, P2), 1,
                    null, -1);
            Obs o = Obs.of(P2).stopped(true, 0x2100, 2).liveLease(P1, rec);
            assertThat(o.decide().contains(Rewind.class)).isTrue();
        }

        @Test
        void stoppedMemberWhoseLastCheckpointStartsAtTheForkPointRewinds() {
            // all members stopped at once: the new leader never received the old primary's shutdown checkpoint, so its
            // timeline forks exactly where that record starts, and this member holds the record
            LeaderRecord rec = new LeaderRecord(addr(P1), 9000, 3, TimelineHistory.decode("2:0/2000"), SYSID, Set.of(P0, P2), 1,
                    null, -1);
            Obs o = Obs.of(P2).stopped(true, 0x2000, 2).liveLease(P1, rec);
            assertThat(o.decide().first(Rewind.class).leader()).isEqualTo(P1);
        }

        @Test
        void stoppedMemberWhoseLastCheckpointIsBeforeTheForkPointFollows() {
            LeaderRecord rec = new LeaderRecord(addr(P1), 9000, 3, TimelineHistory.decode("2:0/2000"), SYSID, Set.of(P0, P2), 1,
                    null, -1);
            Obs o = Obs.of(P2).stopped(true, 0x1F88, 2).liveLease(P1, rec);
            assertThat(o.decide().first(StartStandby.class).leader()).isEqualTo(P1);
        }

        @Test
        void stoppedStandbyWhoseMinimumRecoveryPointIsPastTheForkPointRewinds() {
            // it replayed its own former primary's WAL past where the leader's timeline forked: its checkpoint is from
            // before the fork, but its pages are not (PostgreSQL: "requested timeline 3 does not contain minimum
            // recovery point")
            LeaderRecord rec = new LeaderRecord(addr(P1), 9000, 3, TimelineHistory.decode("2:0/2000"), SYSID, Set.of(P0, P2), 1,
                    null, -1);
            Obs o = Obs.of(P2).stopped(true, 0x1F88, 2).liveLease(P1, rec)
                    .withStoppedControl(new LocalInstance.StoppedControl(false, 2, 0x2400));
            Decision d = o.decide();
            assertThat(d.first(Rewind.class).leader()).isEqualTo(P1);
            assertThat(d.status()).contains("minimum recovery point 0/2400 on timeline 2");
        }

        @Test
        void stoppedStandbyWhoseMinimumRecoveryPointIsAtTheForkPointFollows() {
            LeaderRecord rec = new LeaderRecord(addr(P1), 9000, 3, TimelineHistory.decode("2:0/2000"), SYSID, Set.of(P0, P2), 1,
                    null, -1);
            Obs o = Obs.of(P2).stopped(true, 0x1F88, 2).liveLease(P1, rec)
                    .withStoppedControl(new LocalInstance.StoppedControl(false, 2, 0x2000));
            assertThat(o.decide().first(StartStandby.class).leader()).isEqualTo(P1);
        }

        @Test
        void stoppedStandbyWhoseMinimumRecoveryPointIsOnTheLeadersTimelineFollows() {
            LeaderRecord rec = new LeaderRecord(addr(P1), 9000, 3, TimelineHistory.decode("2:0/2000"), SYSID, Set.of(P0, P2), 1,
                    null, -1);
            Obs o = Obs.of(P2).stopped(true, 0x1F88, 2).liveLease(P1, rec)
                    .withStoppedControl(new LocalInstance.StoppedControl(false, 3, 0x2800));
            assertThat(o.decide().first(StartStandby.class).leader()).isEqualTo(P1);
        }

        @Test
        void aDataDirectoryThatCrashedAsPrimaryRewindsEvenWithStandbySignal() {
            // crashed as primary, then a standby start wrote standby.signal and failed before recovery began: its WAL
            // goes past its checkpoint to a point nothing records
            Obs o = Obs.of(P0).stopped(true, 0x1F88, 2).liveLease(P1, record(P1, 9000, 3, Set.of(P0, P2), 1))
                    .withStoppedControl(new LocalInstance.StoppedControl(true, 0, Lsn.UNKNOWN));
            Decision d = o.decide();
            assertThat(d.first(Rewind.class).leader()).isEqualTo(P1);
            assertThat(d.status()).contains("stopped without a shutdown checkpoint");
        }

        @Test
        void rewindsAfterStandbyStartsAgainstTheSameLeaderNeverGotPostgresRunning() {
            Obs o = Obs.of(P2).stopped(true, 4000, 2).liveLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1));
            String key = HaDecision.leaderTermKey(P0, o.lease.transitions());
            o.memory = new Memory(null, -1, key, HaDecision.STANDBY_STARTS_BEFORE_REWIND - 1);
            assertThat(o.decide().kinds()).containsExactly("StartStandby");
            o.memory = new Memory(null, -1, key, HaDecision.STANDBY_STARTS_BEFORE_REWIND);
            Decision d = o.decide();
            assertThat(d.first(Rewind.class).leader()).isEqualTo(P0);
            assertThat(d.status()).contains("did not come up as " + P0 + "'s standby in 3 starts");
        }

        @Test
        void failedStandbyStartsAgainstAnEarlierTermDoNotCount() {
            Obs o = Obs.of(P2).stopped(true, 4000, 2).liveLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1));
            o.memory = new Memory(null, -1, HaDecision.leaderTermKey(P0, o.lease.transitions() - 1), 10);
            assertThat(o.decide().kinds()).containsExactly("StartStandby");
        }

        @Test
        void removesItsRoleLabelWhileStopped() {
            Obs o = Obs.of(P2).stopped(true, 4000, 2).liveLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1));
            o.label = "secondary";
            assertThat(o.decide().kinds()).containsExactly("PublishRole", "StartStandby");
        }

        @Test
        void aStandbyStillStartingWithoutAnUpstreamIsPointedAtTheLiveLeader() {
            // started read-only while no leader was live; short of a consistent state it waits for the leader's WAL
            Obs o = Obs.of(P2).startingStandby(null).liveLease(P1, record(P1, 5000, 3, Set.of(P0), 1));
            Decision d = o.decide();
            assertThat(d.kinds()).containsExactly("RepointStarting");
            assertThat(d.first(Action.RepointStarting.class).address()).isEqualTo(addr(P1));
        }

        @Test
        void aStandbyStillStartingFromAFormerLeaderIsPointedAtTheNewOne() {
            Obs o = Obs.of(P2).startingStandby(addr(P0)).liveLease(P1, record(P1, 5000, 3, Set.of(P0), 1));
            assertThat(o.decide().kinds()).containsExactly("RepointStarting");
        }

        @Test
        void aStandbyStartingWithoutALiveLeaderIsLeftToStart() {
            Obs expired = Obs.of(P2).startingStandby(null).expiredLease(P1, record(P1, 5000, 3, Set.of(P0), 1));
            assertThat(expired.decide().actions()).allMatch(a -> a instanceof Wait);
            Obs none = Obs.of(P2).startingStandby(null);
            assertThat(none.decide().actions()).allMatch(a -> a instanceof Wait);
        }

        @Test
        void aFormerPrimaryStillStartingIsNeverPointedAtAnotherLeader() {
            // no standby.signal: a postmaster starting or stopping as primary is not turned into a standby underneath
            Obs o = Obs.of(P0).starting(false).liveLease(P1, record(P1, 5000, 3, Set.of(P2), 1));
            assertThat(o.decide().actions()).allMatch(a -> a instanceof Wait);
        }

        @Test
        void keepsRenewingWhileItsPrimaryStarts() {
            Obs o = Obs.of(P0).starting(false).liveLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1));
            o.primaryDownMillis = o.primaryStartTimeout;
            assertThat(o.decide().kinds()).containsExactly("RenewLease");
        }

        @Test
        void aPrimaryStillStartingAfterPrimaryStartTimeoutIsStoppedAndReleasesTheLease() {
            Obs o = Obs.of(P0).starting(false).liveLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1)).finalPeer(P1, 5000, 2, "100");
            o.primaryDownMillis = o.primaryStartTimeout + 1;
            Decision d = o.decide();
            assertThat(d.kinds()).containsExactly("Fence", "ReleaseLease");
            assertThat(d.first(ReleaseLease.class).handoverTo()).isNull();
            assertThat(d.status()).contains("primaryStartTimeout");
        }

        @Test
        void keepsRetryingToStartAsPrimaryWithinPrimaryStartTimeout() {
            Obs o = Obs.of(P0).stopped(false, 5000, 2).lease(P0, "100", 3, 0, -1, record(P0, 5000, 2, Set.of(P1, P2), 1));
            o.primaryDownMillis = o.primaryStartTimeout;
            assertThat(o.decide().kinds()).containsExactly("AcquireLease", "StartPrimary");
        }

        @Test
        void aPrimaryThatCannotStartReleasesTheLeaseAfterPrimaryStartTimeout() {
            Obs o = Obs.of(P0).stopped(false, 5000, 2).lease(P0, "100", 3, 0, -1, record(P0, 5000, 2, Set.of(P1, P2), 1))
                    .finalPeer(P2, 5000, 2, "100");
            o.primaryDownMillis = o.primaryStartTimeout + 1;
            Decision d = o.decide();
            assertThat(d.kinds()).containsExactly("ReleaseLease");
            assertThat(d.contains(StartPrimary.class)).isFalse();
        }

        @Test
        void withoutAStandbyToTakeOverAPrimaryThatCannotStartKeepsTrying() {
            // e.g. bootstrap: the others wait to clone from it, and a released Lease nobody can prove themselves for
            Obs o = Obs.of(P0).stopped(false, 5000, 2).lease(P0, "100", 3, 0, -1, record(P0, 5000, 2, Set.of(P1, P2), 1))
                    .peer(P1, new MemberState(MemberState.STOPPED, 0, Lsn.UNKNOWN, false, null, false, addr(P1), false, null, 0, 1), 100)
                    .peer(P2, new MemberState(MemberState.STANDBY, 2, 4000, false, null, true, addr(P2), false, null, SYSID, 1),
                            60_000);
            o.primaryDownMillis = o.primaryStartTimeout + 1;
            assertThat(o.decide().kinds()).containsExactly("AcquireLease", "StartPrimary");
        }

        @Test
        void withoutTheApiAPrimaryThatCannotStartWaits() {
            Obs o = Obs.of(P0).stopped(false, 5000, 2).lease(P0, "100", 3, 0, -1, record(P0, 5000, 2, Set.of(P1, P2), 1));
            o.primaryDownMillis = o.primaryStartTimeout + 1;
            o.apiReachable = false;
            assertThat(o.decide().actions()).allMatch(a -> a instanceof Wait);
        }

        @Test
        void aStandbyHoldingTheLeaseIsNotSubjectToPrimaryStartTimeout() {
            Obs o = Obs.of(P1).stopped(true, 5000, 2).lease(P1, "100", 3, 0, -1, record(P0, 5000, 2, Set.of(P1, P2), 1));
            o.primaryDownMillis = o.primaryStartTimeout + 1;
            assertThat(o.decide().kinds()).containsExactly("StartStandby");
        }

        @Test
        void waitsWhileAStandbyStarts() {
            Obs o = Obs.of(P1).startingStandby(addr(P0)).liveLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1));
            assertThat(o.decide().kinds()).containsExactly("Wait");
        }

        @Test
        void stoppedWithoutApiAccessStaysStopped() {
            Obs o = Obs.of(P0).stopped(false, 5000, 2).lease(P0, "100", 3, 0, -1, record(P0, 5000, 2, Set.of(P1, P2), 1));
            o.apiReachable = false;
            assertThat(o.decide().kinds()).containsExactly("Wait");
        }

        @Test
        void foreignDataIsReclonedNotStarted() {
            Obs o = Obs.of(P2).stopped(true, 4000, 2).withSystemIdentifier(42)
                    .liveLease(P0, record(P0, 5000, 2, Set.of(P1, P2), 1));
            assertThat(o.decide().kinds()).containsExactly("Reclone");
        }
    }

    @Test
    void theDecisionIsDeterministic() {
        Observation o = steadyLeader().primary(5000, 2, Set.of(P1), ANY1_BOTH, Set.of()).build();
        HaDecision decision = new HaDecision();
        assertThat(decision.decide(o)).isEqualTo(decision.decide(o));
    }

    @Test
    void waitIsTheOnlyActionOfAWaitingDecision() {
        Decision d = Obs.of(P1).empty().decide();
        assertThat(d.actions()).singleElement().isInstanceOf(Wait.class);
    }

    @SuppressWarnings("unused")
    private static final Class<?>[] REFERENCED = { Detach.class, StopFast.class };
}

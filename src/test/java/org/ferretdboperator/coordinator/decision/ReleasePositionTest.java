package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The final position recorded on release: every branch of {@link ReleasePosition#finalLsn}. */
class ReleasePositionTest {

    private static final long RECORDED = 7000;

    @Test
    void aFormerPrimaryRecordsTheCheckpointOfItsCleanShutdown() {
        assertThat(ReleasePosition.finalLsn(true, RECORDED, Optional.of(new ReleasePosition.Shutdown(true, 9000, 1))))
                .isEqualTo(9000);
    }

    @Test
    void aFormerPrimaryThatDidNotShutDownCleanlyRecordsUnknown() {
        assertThat(ReleasePosition.finalLsn(true, RECORDED, Optional.of(new ReleasePosition.Shutdown(false, 9000, 1))))
                .isEqualTo(Lsn.UNKNOWN);
    }

    @Test
    void aFormerPrimaryWithUnreadablePgControlRecordsUnknown() {
        assertThat(ReleasePosition.finalLsn(true, RECORDED, Optional.empty())).isEqualTo(Lsn.UNKNOWN);
    }

    @Test
    void aStandbyKeepsTheRecordedFinalPositionWhateverItsControlFileSays() {
        assertThat(ReleasePosition.finalLsn(false, RECORDED, Optional.of(new ReleasePosition.Shutdown(true, 9000, 1))))
                .isEqualTo(RECORDED);
        assertThat(ReleasePosition.finalLsn(false, Lsn.UNKNOWN, Optional.empty())).isEqualTo(Lsn.UNKNOWN);
    }

    private static final LeaderRecord ON_TIMELINE_1 = new LeaderRecord("pg-1:5432", 8000, 1, TimelineHistory.EMPTY, 42,
            java.util.Set.of("pg-0", "pg-2"), 1, null, Lsn.UNKNOWN);

    @Test
    void aLeaderThatPromotedAfterItsLastRenewRecordsTheTimelineOfItsFinalPosition() {
        TimelineHistory promoted = TimelineHistory.EMPTY;
        LeaderRecord rec = ReleasePosition.released(ON_TIMELINE_1, true,
                Optional.of(new ReleasePosition.Shutdown(true, 9000, 2)), null, 2, promoted);
        assertThat(rec.finalLsn()).isEqualTo(9000);
        assertThat(rec.timeline()).isEqualTo(2);
        assertThat(rec.history()).isSameAs(promoted);
        assertThat(rec.syncMembers()).isEqualTo(ON_TIMELINE_1.syncMembers());
    }

    @Test
    void theRecordedTimelineStaysWhenNothingCleanSaysOtherwise() {
        assertThat(ReleasePosition.released(ON_TIMELINE_1, true, Optional.of(new ReleasePosition.Shutdown(false, 9000, 2)),
                null, 2, TimelineHistory.EMPTY).timeline()).as("not shut down cleanly").isEqualTo(1);
        assertThat(ReleasePosition.released(ON_TIMELINE_1, false, Optional.of(new ReleasePosition.Shutdown(true, 9000, 2)),
                "pg-2", 2, TimelineHistory.EMPTY).timeline()).as("a standby").isEqualTo(1);
        assertThat(ReleasePosition.released(ON_TIMELINE_1, true, Optional.empty(), null, 2, TimelineHistory.EMPTY).timeline())
                .as("pg_control unreadable").isEqualTo(1);
    }
}

package org.ferretdboperator.coordinator.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The final position recorded on release: every branch of {@link ReleasePosition#finalLsn}. */
class ReleasePositionTest {

    private static final long RECORDED = 7000;

    @Test
    void aFormerPrimaryRecordsTheCheckpointOfItsCleanShutdown() {
        assertThat(ReleasePosition.finalLsn(true, RECORDED, Optional.of(new ReleasePosition.Shutdown(true, 9000))))
                .isEqualTo(9000);
    }

    @Test
    void aFormerPrimaryThatDidNotShutDownCleanlyRecordsUnknown() {
        assertThat(ReleasePosition.finalLsn(true, RECORDED, Optional.of(new ReleasePosition.Shutdown(false, 9000))))
                .isEqualTo(Lsn.UNKNOWN);
    }

    @Test
    void aFormerPrimaryWithUnreadablePgControlRecordsUnknown() {
        assertThat(ReleasePosition.finalLsn(true, RECORDED, Optional.empty())).isEqualTo(Lsn.UNKNOWN);
    }

    @Test
    void aStandbyKeepsTheRecordedFinalPositionWhateverItsControlFileSays() {
        assertThat(ReleasePosition.finalLsn(false, RECORDED, Optional.of(new ReleasePosition.Shutdown(true, 9000))))
                .isEqualTo(RECORDED);
        assertThat(ReleasePosition.finalLsn(false, Lsn.UNKNOWN, Optional.empty())).isEqualTo(Lsn.UNKNOWN);
    }
}

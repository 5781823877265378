package org.ferretdboperator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.coordinator.decision.ArchiverState;
import org.junit.jupiter.api.Test;

/** One test per branch of {@link WalArchivingCondition#judge}. */
class WalArchivingConditionTest {

    private static final ArchiverState ARCHIVING = new ArchiverState(42, "000000020000000000000007",
            "2026-12-06T15:00:10Z", 0, null, null);
    private static final ArchiverState RECOVERED = new ArchiverState(42, "000000020000000000000007",
            "2026-12-06T15:00:10Z", 3, "000000020000000000000005", "2026-12-06T14:59:00Z");
    private static final ArchiverState FAILING = new ArchiverState(42, "000000020000000000000007",
            "2026-12-06T15:00:10Z", 5, "000000020000000000000008", "2026-12-06T15:01:00Z");
    private static final ArchiverState NEVER_SUCCEEDED = new ArchiverState(0, null, null, 1,
            "000000010000000000000001", "2026-12-06T15:01:00Z");
    private static final ArchiverState NOTHING = new ArchiverState(0, null, null, 0, null, null);

    @Test
    void archivingWhenThePrimarysLastAttemptSucceeded() {
        var j = WalArchivingCondition.judge(Optional.of("pg-1"), Map.of("pg-1", ARCHIVING, "pg-0", ARCHIVING));
        assertThat(j.status()).isEqualTo("True");
        assertThat(j.reason()).isEqualTo(WalArchivingCondition.REASON_ARCHIVING);
        assertThat(j.message()).isEqualTo("pg-1 (primary): 42 file(s) archived, the last 000000020000000000000007 at "
                + "2026-12-06T15:00:10Z");
    }

    @Test
    void earlierFailuresFollowedByASuccessStillArchive() {
        var j = WalArchivingCondition.judge(Optional.of("pg-1"), Map.of("pg-1", RECOVERED));
        assertThat(j.status()).isEqualTo("True");
        assertThat(j.message()).contains("3 earlier failure(s), the last for 000000020000000000000005");
    }

    @Test
    void failingWhenAFailureCameAfterTheLastSuccess() {
        var j = WalArchivingCondition.judge(Optional.of("pg-1"), Map.of("pg-1", FAILING));
        assertThat(j.status()).isEqualTo("False");
        assertThat(j.reason()).isEqualTo(WalArchivingCondition.REASON_FAILING);
        assertThat(j.message()).startsWith("pg-1 (primary): archive_command failed 5 time(s), the last for "
                + "000000020000000000000008 at 2026-12-06T15:01:00Z, the last 000000020000000000000007");
    }

    @Test
    void failingWhenNothingWasEverArchived() {
        var j = WalArchivingCondition.judge(Optional.of("pg-0"), Map.of("pg-0", NEVER_SUCCEEDED));
        assertThat(j.status()).isEqualTo("False");
        assertThat(j.message()).contains("none archived yet");
    }

    @Test
    void unknownBeforeTheFirstSegment() {
        var j = WalArchivingCondition.judge(Optional.of("pg-0"), Map.of("pg-0", NOTHING));
        assertThat(j.status()).isEqualTo("Unknown");
        assertThat(j.reason()).isEqualTo(WalArchivingCondition.REASON_NOTHING_YET);
    }

    @Test
    void unknownWithoutAPrimaryOrItsReport() {
        assertThat(WalArchivingCondition.judge(Optional.empty(), Map.of("pg-0", ARCHIVING)).reason())
                .isEqualTo(WalArchivingCondition.REASON_UNKNOWN);
        var j = WalArchivingCondition.judge(Optional.of("pg-2"), Map.of("pg-0", ARCHIVING));
        assertThat(j.status()).isEqualTo("Unknown");
        assertThat(j.message()).startsWith("pg-2 (primary) has not published");
    }

    @Test
    void aFailingStandbyIsNamedWithoutChangingThePrimarysVerdict() {
        var j = WalArchivingCondition.judge(Optional.of("pg-1"), Map.of("pg-1", ARCHIVING, "pg-2", FAILING));
        assertThat(j.status()).isEqualTo("True");
        assertThat(j.message()).endsWith("; pg-2 (standby) failed for 000000020000000000000008 at 2026-12-06T15:01:00Z");
    }
}

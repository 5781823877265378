package org.ferretdboperator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.ferretdboperator.coordinator.postgres.WalAcknowledgements;
import org.junit.jupiter.api.Test;

/** The primary's evidence that each standby follows it: markers and acknowledgements on the primary's own clock. */
class FollowerConfirmationsTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final Wal wal = new Wal();
    private final FollowerConfirmations confirmations = new FollowerConfirmations(wal, clock::get, 1200);

    /** The primary's WAL: each marker advances it by 100; the test sets what each standby reports flushed. */
    private static final class Wal implements WalAcknowledgements {
        long position = 1000;
        final Map<String, Long> flushed = new HashMap<>();
        boolean broken;

        @Override
        public long writeMarker() throws SQLException {
            if (broken) {
                throw new SQLException("connection lost", "08006");
            }
            position += 100;
            return position;
        }

        @Override
        public Map<String, Long> acknowledgedFlush() throws SQLException {
            if (broken) {
                throw new SQLException("connection lost", "08006");
            }
            return Map.copyOf(flushed);
        }
    }

    private void advance(long millis) {
        clock.addAndGet(millis * MS);
    }

    @Test
    void aStandbyThatFlushedAMarkerIsConfirmedAtThatMarkersSendTime() throws SQLException {
        confirmations.round(); // marker at 1100, sent at t=1000 ms
        advance(100);
        wal.flushed.put("pg-1", 1100L);
        confirmations.round(); // confirms pg-1 at t=1000; marker at 1200
        advance(50);
        assertThat(confirmations.confirmedAgoMillis()).containsExactlyEntriesOf(Map.of("pg-1", 150L));
    }

    @Test
    void theNewestFlushedMarkerCounts() throws SQLException {
        confirmations.round(); // 1100 at t=1000
        advance(100);
        confirmations.round(); // 1200 at t=1100
        advance(100);
        wal.flushed.put("pg-1", 1250L);
        confirmations.round();
        assertThat(confirmations.confirmedAgoMillis()).containsEntry("pg-1", 100L);
    }

    @Test
    void aStandbyBehindEveryMarkerIsNotConfirmed() throws SQLException {
        confirmations.round();
        advance(100);
        wal.flushed.put("pg-2", 1099L);
        confirmations.round();
        assertThat(confirmations.confirmedAgoMillis()).doesNotContainKey("pg-2");
    }

    @Test
    void aMarkerOlderThanTheWindowConfirmsNothing() throws SQLException {
        confirmations.round(); // 1100 at t=1000
        advance(1300);
        wal.flushed.put("pg-1", 1100L);
        confirmations.round();
        assertThat(confirmations.confirmedAgoMillis()).doesNotContainKey("pg-1");
    }

    @Test
    void aConfirmationAgesWhenTheStandbyStopsAcknowledging() throws SQLException {
        wal.flushed.put("pg-1", 0L);
        confirmations.round(); // 1100 at t=1000
        advance(100);
        wal.flushed.put("pg-1", 1100L);
        confirmations.round();
        for (int i = 0; i < 10; i++) {
            advance(100);
            confirmations.round(); // pg-1 stays at 1100
        }
        assertThat(confirmations.confirmedAgoMillis()).containsEntry("pg-1", 1100L);
    }

    @Test
    void aFailedRoundKeepsEarlierConfirmationsWhichThenAge() throws SQLException {
        confirmations.round();
        advance(100);
        wal.flushed.put("pg-1", 1100L);
        confirmations.round();
        wal.broken = true;
        advance(100);
        assertThatThrownBy(confirmations::round).isInstanceOf(SQLException.class);
        assertThat(confirmations.confirmedAgoMillis()).containsEntry("pg-1", 200L);
    }

    @Test
    void resetForgetsEverything() throws SQLException {
        confirmations.round();
        advance(100);
        wal.flushed.put("pg-1", 1100L);
        confirmations.round();
        confirmations.reset();
        assertThat(confirmations.confirmedAgoMillis()).isEmpty();
        advance(100);
        confirmations.round();
        assertThat(confirmations.confirmedAgoMillis()).as("1100 was written before the reset").isEmpty();
    }
}

package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReceiverWatchTest {

    static final long MS = 1_000_000L;

    @Test
    void aSteadyReceiverIsNotDown() {
        ReceiverWatch watch = new ReceiverWatch(0);
        watch.observed(true, 101, 200 * MS);
        watch.observed(true, 101, 400 * MS);
        watch.observed(true, 101, 600 * MS);
        assertThat(watch.downMillis(600 * MS)).isZero();
    }

    @Test
    void aReceiverRestartedAtEveryObservationStaysDown() {
        // PostgreSQL restarts a receiver whose leader's timeline forked before this member's recovery point: each new
        // process reports "streaming" for a moment
        ReceiverWatch watch = new ReceiverWatch(0);
        for (int i = 1; i <= 20; i++) {
            watch.observed(true, 100 + i, i * 200 * MS);
        }
        assertThat(watch.downMillis(4000 * MS)).isEqualTo(4000);
    }

    @Test
    void aFlappingReceiverStaysDown() {
        ReceiverWatch watch = new ReceiverWatch(0);
        for (int i = 1; i <= 20; i++) {
            watch.observed(i % 2 == 0, 7, i * 200 * MS);
        }
        assertThat(watch.downMillis(4000 * MS)).isEqualTo(4000);
    }

    @Test
    void downTimeCountsFromTheLastSteadyObservation() {
        ReceiverWatch watch = new ReceiverWatch(0);
        watch.observed(true, 5, 100 * MS);
        watch.observed(true, 5, 300 * MS);
        watch.observed(false, 0, 500 * MS);
        assertThat(watch.downMillis(3300 * MS)).isEqualTo(3000);
        // a new receiver is steady from its second observation on
        watch.observed(true, 9, 3500 * MS);
        assertThat(watch.downMillis(3500 * MS)).isEqualTo(3200);
        watch.observed(true, 9, 3700 * MS);
        assertThat(watch.downMillis(3700 * MS)).isZero();
    }
}

package org.ferretdboperator.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The client's view of the primary that both systems keep (our role labels, Patroni's GET /primary follower). */
class PrimaryTimelineTest {

    /** A route told directly what it sees. */
    private static final class Route extends PrimaryTimeline {
        void sees(String member, boolean primary) {
            mark(member, primary);
        }
    }

    @Test
    void theMostRecentPrimaryComesFirstAndTwoAtOnceAreOneStretch() {
        Route r = new Route();
        r.sees("a", true);
        r.sees("b", false);
        LockSupport.parkNanos(1_000_000); // b becomes primary measurably later
        r.sees("b", true);
        assertThat(r.primaries()).containsExactly("b", "a");
        r.sees("a", true); // no change: a stays the older primary
        assertThat(r.primaries()).containsExactly("b", "a");
        r.sees("a", false);
        assertThat(r.primaries()).containsExactly("b");
        List<PrimaryTimeline.DualPrimary> dual = r.dualPrimaries();
        assertThat(dual).hasSize(1);
        assertThat(dual.get(0).members()).containsExactlyInAnyOrder("a", "b");
        assertThat(dual.get(0).toNanos()).isGreaterThanOrEqualTo(dual.get(0).fromNanos());
    }

    @Test
    void aStretchStillOpenEndsNow() {
        Route r = new Route();
        r.sees("a", true);
        r.sees("b", true);
        long before = System.nanoTime();
        List<PrimaryTimeline.DualPrimary> dual = r.dualPrimaries();
        assertThat(dual).hasSize(1);
        assertThat(dual.get(0).toNanos()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void oneFailoverIsNoDualPrimary() {
        Route r = new Route();
        r.sees("a", true);
        r.sees("a", false);
        r.sees("b", true);
        assertThat(r.dualPrimaries()).isEmpty();
        assertThat(r.primaries()).containsExactly("b");
    }
}

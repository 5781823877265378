package org.ferretdboperator.harness.ferretdb;

import java.util.List;

/** Client-seen outages from the times at which operations succeeded (monotonic nanos, ascending). */
public final class Gaps {

    private Gaps() {
    }

    /**
     * The longest stretch without a success that overlaps {@code [from, until]}: it starts at the last success before
     * {@code from} (or at {@code from} when there was none) and ends at the next success, even one after
     * {@code until}; a stretch with no success after it at all ends at {@code until}.
     */
    public static long longest(List<Long> successes, long from, long until) {
        long previous = from;
        for (long t : successes) {
            if (t < from) {
                previous = t;
            }
        }
        long longest = 0;
        for (long t : successes) {
            if (t < from) {
                continue;
            }
            if (t > until) {
                longest = Math.max(longest, Math.max(0, t - previous));
                return longest;
            }
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        return Math.max(longest, until - previous);
    }
}

package org.ferretdboperator.harness;

import java.util.List;

/**
 * The outage an application saw, measured from the writer's acknowledgements alone, the same way for every system the
 * benchmark runs: the longest stretch without an acknowledged write between the last acknowledgement before the fault
 * and the moment the cluster settled, and the failover time from the fault to the end of that stretch (writes may
 * still be acknowledged for a moment after a SIGTERM, so the fault itself does not start the stretch).
 *
 * @param gapSeconds      the length of that stretch (0 when no write was acknowledged after the fault)
 * @param failoverSeconds fault -> the acknowledgement that ended it; null when no write was acknowledged after the fault
 */
public record WriteOutage(double gapSeconds, Double failoverSeconds) {

    /**
     * @param writes       the writer's acknowledgements, in acknowledgement order ({@link AckLog#from})
     * @param faultNanos   the fault's moment
     * @param settledNanos when the cluster had settled again; the stretch looked for ends by the first acknowledgement after it
     */
    public static WriteOutage measure(List<AckLog.Ack> writes, long faultNanos, long settledNanos) {
        long previous = writes.stream().filter(a -> a.ackedNanos() < faultNanos).mapToLong(AckLog.Ack::ackedNanos).max()
                .orElse(faultNanos);
        long maxGap = -1;
        long gapEnd = -1;
        for (AckLog.Ack a : writes) {
            if (a.ackedNanos() <= previous) {
                continue;
            }
            if (a.ackedNanos() - previous > maxGap) {
                maxGap = a.ackedNanos() - previous;
                gapEnd = a.ackedNanos();
            }
            previous = a.ackedNanos();
            if (a.ackedNanos() > settledNanos) {
                break;
            }
        }
        Double failover = gapEnd < 0 ? null : Harness.seconds(Math.max(0, gapEnd - faultNanos));
        return new WriteOutage(Harness.seconds(Math.max(0, maxGap)), failover);
    }
}

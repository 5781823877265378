package org.ferretdboperator.harness;

import java.util.List;

/**
 * What one run of a scenario measured and found, on any {@link HaSystem}.
 *
 * @param failoverSeconds          fault -> the first acknowledged write that ended the outage ({@code writeGapSeconds});
 *                                 null when the writer never got a write acknowledged after the fault
 * @param writeGapSeconds          the outage: the longest time without any acknowledged write, from the last
 *                                 acknowledgement before the fault until the cluster settled (what an application sees)
 * @param settleSeconds            fault -> every member back in its role (route, replication, commits)
 * @param acknowledged             acknowledged writes of the writer and the probes over the whole run
 * @param lostAcknowledged         acknowledged writes missing on the final primary
 * @param lostSample               a few of their ids and the member that acknowledged each
 * @param seedRows                 rows committed (and replayed by every member) before the fault
 * @param seedMissing              of them, missing on the final primary or on any member
 * @param splitBrain               overlapping acknowledgements by two members
 * @param dualPrimaries            stretches with two members primary to the client's route (our labels, Patroni's
 *                                 GET /primary), any time
 * @param dualPrimariesAfterSettle of them, those that lasted past the settle point plus the route's lag
 * @param divergentMembers         members whose rows differ from the final primary's after catching up
 * @param violations               every safety or scenario check that failed (empty: the run passed)
 */
public record Outcome(String scenario, boolean synchronous, String primaryBefore, String primaryAfter, Double failoverSeconds,
        double writeGapSeconds, double settleSeconds, long acknowledged, long lostAcknowledged, List<String> lostSample,
        int seedRows, int seedMissing, List<SplitBrain.Event> splitBrain, List<PrimaryTimeline.DualPrimary> dualPrimaries,
        List<PrimaryTimeline.DualPrimary> dualPrimariesAfterSettle, List<String> divergentMembers, List<String> notes,
        List<String> violations) {

    /** Short line for logs. */
    public String summary() {
        return "%s [%s]: %s -> %s, failover %s s, gap %.3f s, settled after %.1f s, %d acknowledged, %d lost, seed %d/%d, split brain %d, two primaries %d (%d after settle)"
                .formatted(scenario, synchronous ? "Synchronous" : "Asynchronous", primaryBefore, primaryAfter,
                        failoverSeconds == null ? "-" : "%.3f".formatted(failoverSeconds), writeGapSeconds, settleSeconds,
                        acknowledged, lostAcknowledged, seedRows - seedMissing, seedRows, splitBrain.size(),
                        dualPrimaries.size(), dualPrimariesAfterSettle.size())
                + (violations.isEmpty() ? "" : "; VIOLATIONS: " + violations);
    }

    public boolean passed() {
        return violations.isEmpty();
    }
}

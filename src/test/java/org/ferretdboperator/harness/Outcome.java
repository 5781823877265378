package org.ferretdboperator.harness;

import java.util.List;

/**
 * What one run of a scenario measured and found.
 *
 * @param failoverSeconds       fault -> the first acknowledged write that ended the outage ({@code writeGapSeconds});
 *                              null when the writer never got a write acknowledged after the fault
 * @param writeGapSeconds       the outage: the longest time without any acknowledged write, from the last acknowledgement
 *                              before the fault until the cluster settled (what an application sees)
 * @param settleSeconds         fault -> every member back in its role (labels, replication, commits)
 * @param acknowledged          acknowledged writes of the writer and the probes over the whole run
 * @param lostAcknowledged      acknowledged writes missing on the final primary
 * @param lostSample            a few of their ids and the member that acknowledged each
 * @param seedRows              rows committed (and replayed by every member) before the fault
 * @param seedMissing           of them, missing on the final primary or on any member
 * @param splitBrain            overlapping acknowledgements by two members
 * @param dualPrimaryLabels     stretches with two primary labels (any time)
 * @param dualPrimaryAfterSettle of them, those that lasted past the settle point plus one poll interval
 * @param divergentMembers      members whose rows differ from the final primary's after catching up
 * @param violations            every safety or scenario check that failed (empty: the run passed)
 */
record Outcome(String scenario, boolean synchronous, String primaryBefore, String primaryAfter, Double failoverSeconds,
        double writeGapSeconds, double settleSeconds, long acknowledged, long lostAcknowledged, List<String> lostSample,
        int seedRows, int seedMissing, List<SplitBrain.Event> splitBrain, List<RoleLabels.DualPrimary> dualPrimaryLabels,
        List<RoleLabels.DualPrimary> dualPrimaryAfterSettle, List<String> divergentMembers, List<String> notes, List<String> violations) {

    /** Short line for logs. */
    String summary() {
        return "%s [%s]: %s -> %s, failover %s s, gap %.3f s, settled after %.1f s, %d acknowledged, %d lost, seed %d/%d, split brain %d, dual primary labels %d (%d after settle)"
                .formatted(scenario, synchronous ? "Synchronous" : "Asynchronous", primaryBefore, primaryAfter,
                        failoverSeconds == null ? "-" : "%.3f".formatted(failoverSeconds), writeGapSeconds, settleSeconds,
                        acknowledged, lostAcknowledged, seedRows - seedMissing, seedRows, splitBrain.size(),
                        dualPrimaryLabels.size(), dualPrimaryAfterSettle.size())
                + (violations.isEmpty() ? "" : "; VIOLATIONS: " + violations);
    }

    boolean passed() {
        return violations.isEmpty();
    }
}

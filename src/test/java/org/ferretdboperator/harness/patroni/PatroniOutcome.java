package org.ferretdboperator.harness.patroni;

import java.util.List;
import org.ferretdboperator.harness.SplitBrain;

/**
 * What one run against Patroni measured and found: the same figures and checks as our harness's Outcome, where they
 * apply (there are no labels: "two primaries" is two members answering 200 on /primary).
 *
 * @param failoverSeconds        fault -> the acknowledged write that ended the outage; null when none came
 * @param writeGapSeconds        the longest stretch without an acknowledged write (see harness WriteOutage)
 * @param settleSeconds          fault -> every member back in its role (one primary, two streaming standbys)
 * @param dualPrimaries          stretches with two members answering 200 on /primary (any time during the run)
 * @param dualPrimariesAfterSettle of them, those that lasted past the settle point plus one poll interval
 */
public record PatroniOutcome(String system, String scenario, String primaryBefore, String primaryAfter, Double failoverSeconds,
        double writeGapSeconds, double settleSeconds, long acknowledged, long lostAcknowledged, List<String> lostSample,
        int seedRows, int seedMissing, List<SplitBrain.Event> splitBrain, List<PrimaryFollower.DualPrimary> dualPrimaries,
        List<PrimaryFollower.DualPrimary> dualPrimariesAfterSettle, List<String> divergentMembers, List<String> notes,
        List<String> violations) {

    public String summary() {
        return "%s %s: %s -> %s, failover %s s, gap %.3f s, settled after %.1f s, %d acknowledged, %d lost, seed %d/%d, split brain %d, two primaries %d (%d after settle)"
                .formatted(system, scenario, primaryBefore, primaryAfter,
                        failoverSeconds == null ? "-" : "%.3f".formatted(failoverSeconds), writeGapSeconds, settleSeconds,
                        acknowledged, lostAcknowledged, seedRows - seedMissing, seedRows, splitBrain.size(), dualPrimaries.size(),
                        dualPrimariesAfterSettle.size())
                + (violations.isEmpty() ? "" : "; VIOLATIONS: " + violations);
    }

    public boolean passed() {
        return violations.isEmpty();
    }
}

package org.ferretdboperator.metrics;

import java.util.Set;

/**
 * What the operator reads from a backend's election Lease: holder, term ({@code spec.leaseTransitions}) and the
 * coordinator's leader record annotations ({@code coordinator.kubedb.com/*}; null or empty when absent).
 */
public record LeaseView(String holder, long transitions, String handoverTo, Long leaderLsn, Set<String> syncMembers,
        Integer syncQuorum) {

    public boolean held() {
        return holder != null && !holder.isEmpty();
    }
}

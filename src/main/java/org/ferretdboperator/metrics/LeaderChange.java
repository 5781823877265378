package org.ferretdboperator.metrics;

import java.time.Duration;
import java.util.Optional;

/**
 * A completed change of primary: {@code to} holds the Lease (term {@code term}) and serves as primary. The duration is
 * empty when the operator did not see the old holder renew (it started mid-failover), so no guess is ever observed.
 */
public record LeaderChange(String from, String to, long term, Reason reason, Optional<Duration> duration) {

    public enum Reason {
        FAILOVER("failover"), SWITCHOVER("switchover");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        /** The value of the {@code reason} metric label. */
        public String label() {
            return label;
        }
    }
}

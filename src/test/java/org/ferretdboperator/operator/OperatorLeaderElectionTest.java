package org.ferretdboperator.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OperatorLeaderElectionTest {

    record Settings(Optional<String> leaseNamespace, Optional<String> identity, Duration leaseDuration,
            Duration renewDeadline, Duration retryPeriod) implements LeaderElectionSettings {
    }

    @Test
    void usesTheFixedLeaseAndTheConfiguredTimings() {
        var config = new OperatorLeaderElection(new Settings(Optional.of("ops"), Optional.of("ferretdb-operator-abc"),
                Duration.ofSeconds(20), Duration.ofSeconds(12), Duration.ofSeconds(3)));
        assertThat(config.getLeaseName()).isEqualTo("ferretdb-operator-lock");
        assertThat(config.getLeaseNamespace()).contains("ops");
        assertThat(config.getIdentity()).contains("ferretdb-operator-abc");
        assertThat(config.getLeaseDuration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.getRenewDeadline()).isEqualTo(Duration.ofSeconds(12));
        assertThat(config.getRetryPeriod()).isEqualTo(Duration.ofSeconds(3));
        // A deposed leader exits through LeadershipLoss (Quarkus's own shutdown, bounded by a halt), not JOSDK's
        // System.exit on the leader-election thread.
        assertThat(config.isExitOnStopLeading()).isFalse();
        assertThat(config.getLeaderCallbacks()).isPresent();
    }

    @Test
    void leavesNamespaceAndIdentityToTheClientWhenUnset() {
        var config = new OperatorLeaderElection(new Settings(Optional.empty(), Optional.of(" "),
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2)));
        assertThat(config.getLeaseNamespace()).isEmpty();
        assertThat(config.getIdentity()).isEmpty();
    }

    @Test
    void rejectsALeaseShorterThanTheRenewDeadline() {
        assertThatThrownBy(() -> new OperatorLeaderElection(new Settings(Optional.empty(), Optional.empty(),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ferretdb-operator.leader-election.lease-duration");
        assertThatThrownBy(() -> new OperatorLeaderElection(new Settings(Optional.empty(), Optional.empty(),
                Duration.ofSeconds(15), Duration.ofSeconds(2), Duration.ofSeconds(2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ferretdb-operator.leader-election.renew-deadline");
        assertThatThrownBy(() -> new OperatorLeaderElection(new Settings(Optional.empty(), Optional.empty(),
                Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ferretdb-operator.leader-election.retry-period");
    }
}

package org.ferretdboperator.operator;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Only one operator replica reconciles at a time: the holder of the Lease {@value #LEASE_NAME} in the operator's
 * namespace. The others wait as hot standbys and take over once the lease expires. QOSDK applies this in the prod
 * profile only ({@code quarkus.operator-sdk.activate-leader-election-for-profiles}), so dev and test run without it.
 * A leader that cannot renew in time stops leading and exits ({@link LeadershipLoss}), and its pod restarts as a standby.
 */
@Singleton
public class OperatorLeaderElection extends LeaderElectionConfiguration {

    /** Also granted by name in the Helm chart's leader-election Role. */
    public static final String LEASE_NAME = "ferretdb-operator-lock";

    @Inject
    public OperatorLeaderElection(LeaderElectionSettings settings) {
        super(LEASE_NAME,
                settings.leaseNamespace().orElse(null),
                validated(settings).leaseDuration(),
                settings.renewDeadline(),
                settings.retryPeriod(),
                settings.identity().filter(id -> !id.isBlank()).orElse(null),
                new LeaderCallbacks(() -> {
                }, () -> LeadershipLoss.stoppedLeading(LEASE_NAME), newLeader -> {
                }),
                // not JOSDK's System.exit on the leader-election thread: LeadershipLoss exits through Quarkus, bounded
                false);
    }

    private static LeaderElectionSettings validated(LeaderElectionSettings s) {
        if (s.retryPeriod().isNegative() || s.retryPeriod().isZero()) {
            throw new IllegalArgumentException("ferretdb-operator.leader-election.retry-period must be positive, got "
                    + s.retryPeriod());
        }
        if (s.renewDeadline().compareTo(s.retryPeriod()) <= 0) {
            throw new IllegalArgumentException("ferretdb-operator.leader-election.renew-deadline (" + s.renewDeadline()
                    + ") must be longer than retry-period (" + s.retryPeriod() + ")");
        }
        if (s.leaseDuration().compareTo(s.renewDeadline()) <= 0) {
            throw new IllegalArgumentException("ferretdb-operator.leader-election.lease-duration (" + s.leaseDuration()
                    + ") must be longer than renew-deadline (" + s.renewDeadline() + "), or a standby could take over"
                    + " while the leader still believes it leads");
        }
        return s;
    }
}

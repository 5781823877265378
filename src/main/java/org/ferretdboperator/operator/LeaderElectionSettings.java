package org.ferretdboperator.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * How the operator replicas elect their leader. The Helm chart sets these through FERRETDB_OPERATOR_LEADER_ELECTION_*
 * environment variables; the identity is the pod name.
 */
@ConfigMapping(prefix = "ferretdb-operator.leader-election")
public interface LeaderElectionSettings {

    /** Namespace of the Lease; default: the Kubernetes client's namespace (in a pod, the pod's own namespace). */
    Optional<String> leaseNamespace();

    /** This replica's name in the Lease; default: the HOSTNAME, which is the pod name in a pod. */
    Optional<String> identity();

    @WithDefault("15s")
    Duration leaseDuration();

    @WithDefault("10s")
    Duration renewDeadline();

    @WithDefault("2s")
    Duration retryPeriod();
}

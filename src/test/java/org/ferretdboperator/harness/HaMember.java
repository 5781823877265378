package org.ferretdboperator.harness;

import java.util.Optional;

/** One member of an {@link HaSystem}: a PostgreSQL server and the agent that runs it (a pod, as far as faults go). */
public interface HaMember {

    String name();

    int pgPort();

    boolean agentRunning();

    /** The running postmaster of the member's data directory. */
    Optional<Long> postmasterPid();

    default boolean postgresRunning() {
        return postmasterPid().isPresent();
    }
}

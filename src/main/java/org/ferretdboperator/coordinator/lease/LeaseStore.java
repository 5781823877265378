package org.ferretdboperator.coordinator.lease;

import java.util.Map;
import java.util.Optional;

/** The coordination.k8s.io/v1 Lease of one Postgres object, read and written with compare-and-swap. */
public interface LeaseStore {

    /** The current Lease, or empty when it does not exist. Throws on API errors (the caller treats them as unreachable). */
    Optional<LeaseSnapshot> read();

    /**
     * Writes holder, term and the coordinator's annotations if and only if the Lease is still at
     * {@code expected.resourceVersion()} (or still absent when {@code expected} is null). Foreign metadata is kept.
     *
     * @throws LeaseConflictException when another write came first
     */
    LeaseSnapshot write(LeaseSnapshot expected, String holder, int transitions, Map<String, String> annotations)
            throws LeaseConflictException;
}

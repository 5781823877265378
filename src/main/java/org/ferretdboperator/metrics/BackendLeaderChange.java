package org.ferretdboperator.metrics;

/**
 * A completed change of primary of the backend Postgres {@code namespace/postgres}, as {@link BackendWatch} derived it
 * from the Lease and the pods: published (asynchronously) for whatever in the operator reacts to a failover.
 */
public record BackendLeaderChange(String namespace, String postgres, LeaderChange change) {
}

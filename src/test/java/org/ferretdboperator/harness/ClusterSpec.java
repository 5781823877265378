package org.ferretdboperator.harness;

/**
 * What one harness cluster is: a Postgres object's name and namespace, its members, its streaming mode and the
 * coordinators' timings (the Postgres object's spec.leaderElection).
 */
record ClusterSpec(String namespace, String postgres, int replicas, boolean synchronous, long maxLagBytes, Timings timings) {

    /** spec.leaderElection of the Postgres object. */
    record Timings(long leaseDurationMillis, long renewDeadlineMillis, long retryPeriodMillis) {

        /** The CRD's defaults: what a user gets without setting spec.leaderElection. */
        static final Timings DEFAULTS = new Timings(3000, 1800, 300);
    }

    /** The CRD's default maximumLagBeforeFailover (64 MiB). */
    static final long DEFAULT_MAX_LAG_BYTES = 64L * 1024 * 1024;

    String memberName(int ordinal) {
        return postgres + "-" + ordinal;
    }
}

package org.ferretdboperator.harness;

/**
 * What one harness cluster is: a Postgres object's name and namespace, its members, its streaming mode and the
 * coordinators' timings (the Postgres object's spec.leaderElection).
 */
record ClusterSpec(String namespace, String postgres, int replicas, boolean synchronous, long maxLagBytes, Timings timings) {

    /** spec.leaderElection of the Postgres object. */
    record Timings(long leaseDurationMillis, long renewDeadlineMillis, long retryPeriodMillis) {

        /** The CRD's defaults: what a user gets without setting spec.leaderElection. The benchmark measures these. */
        static final Timings DEFAULTS = new Timings(2000, 1200, 200);

        /**
         * What the test suite runs: 1.5 times the defaults, because CI runs every tier at once on two shared cores and
         * a load spike longer than the default renew deadline fences a healthy primary (safe, but it adds a failover a
         * scenario did not ask for). The benchmark runs the defaults on a quiet machine.
         */
        static final Timings TESTS = new Timings(3000, 1800, 300);
    }

    /** The CRD's default maximumLagBeforeFailover (64 MiB). */
    static final long DEFAULT_MAX_LAG_BYTES = 64L * 1024 * 1024;

    String memberName(int ordinal) {
        return postgres + "-" + ordinal;
    }
}

package org.ferretdboperator.coordinator.decision;

/**
 * What each coordinator publishes about its own member (JSON in its pod's member-state annotation) for its peers
 * and the operator.
 *
 * @param role                 primary, standby, stopped or fenced; cloning or rewinding while a long action runs
 *                             ({@link LongAction})
 * @param timeline             timeline of {@code lsn}
 * @param lsn                  primary: flushed; standby: max(received, replayed); stopped: last checkpoint
 * @param walReceiverStreaming standby's WAL receiver is streaming
 * @param upstream             member the standby streams from (null when none)
 * @param healthy              PostgreSQL serves the role this member holds
 * @param address              host:port of its PostgreSQL
 * @param shuttingDown         its pod is terminating
 * @param expiredLeaseVersion  the Lease resourceVersion this member has watched go unrenewed for a leaseDuration while
 *                             its WAL receiver was stopped: its {@code lsn} is final for that Lease version
 * @param systemIdentifier     pg_control system identifier
 * @param version              increases with every publication
 * @param problem              why this member cannot serve at all until a person acts (an unusable image), for the
 *                             operator's status; null when there is none
 * @param archiver             this member's pg_stat_archiver when WAL archiving is on and PostgreSQL answered; null
 *                             otherwise
 */
public record MemberState(String role, int timeline, long lsn, boolean walReceiverStreaming, String upstream,
        boolean healthy, String address, boolean shuttingDown, String expiredLeaseVersion, long systemIdentifier,
        long version, String problem, ArchiverState archiver) {

    public MemberState(String role, int timeline, long lsn, boolean walReceiverStreaming, String upstream,
            boolean healthy, String address, boolean shuttingDown, String expiredLeaseVersion, long systemIdentifier,
            long version, String problem) {
        this(role, timeline, lsn, walReceiverStreaming, upstream, healthy, address, shuttingDown, expiredLeaseVersion,
                systemIdentifier, version, problem, null);
    }

    public MemberState(String role, int timeline, long lsn, boolean walReceiverStreaming, String upstream,
            boolean healthy, String address, boolean shuttingDown, String expiredLeaseVersion, long systemIdentifier,
            long version) {
        this(role, timeline, lsn, walReceiverStreaming, upstream, healthy, address, shuttingDown, expiredLeaseVersion,
                systemIdentifier, version, null);
    }

    public static final String PRIMARY = "primary";
    public static final String STANDBY = "standby";
    public static final String STOPPED = "stopped";
    public static final String FENCED = "fenced";

    /** Same facts, ignoring the publication counter. */
    public boolean sameFacts(MemberState other) {
        return other != null && withVersion(0).equals(other.withVersion(0));
    }

    public MemberState withProblem(String p) {
        return new MemberState(role, timeline, lsn, walReceiverStreaming, upstream, healthy, address, shuttingDown,
                expiredLeaseVersion, systemIdentifier, version, p, archiver);
    }

    public MemberState withVersion(long v) {
        return new MemberState(role, timeline, lsn, walReceiverStreaming, upstream, healthy, address, shuttingDown,
                expiredLeaseVersion, systemIdentifier, v, problem, archiver);
    }

    public MemberState withArchiver(ArchiverState a) {
        return new MemberState(role, timeline, lsn, walReceiverStreaming, upstream, healthy, address, shuttingDown,
                expiredLeaseVersion, systemIdentifier, version, problem, a);
    }
}

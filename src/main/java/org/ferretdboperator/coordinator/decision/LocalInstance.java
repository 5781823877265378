package org.ferretdboperator.coordinator.decision;

import java.util.Set;

/**
 * The local PostgreSQL as observed this tick (JDBC when it accepts connections, the data directory and pg_control
 * otherwise). LSNs are {@link Lsn#UNKNOWN} when not applicable.
 *
 * @param dataDirInitialised  PGDATA holds a cluster (PG_VERSION present)
 * @param standbySignal       standby.signal present: the data directory last ran, or is set up to run, as a standby
 * @param postmasterAlive     a postmaster process of this data directory exists (it may still be starting or stopping)
 * @param running             it accepts SQL connections
 * @param inRecovery          {@code pg_is_in_recovery()}
 * @param timeline            current timeline (primary: of the insert position; standby: received or checkpoint; stopped: pg_control)
 * @param systemIdentifier    pg_control's system identifier, 0 when unknown
 * @param receiveLsn          standby: last WAL received and flushed
 * @param replayLsn           standby: last WAL replayed
 * @param flushLsn            primary: WAL flushed; stopped: the start of the last checkpoint record (after a clean
 *                            shutdown, WAL ends with that record)
 * @param walReceiverStreaming standby: the WAL receiver is streaming
 * @param upstreamAddress     standby: host:port its primary_conninfo points at, null when none
 * @param receiverDownMillis  standby: monotonic ms since its WAL receiver was last seen streaming (0 while streaming)
 * @param streamingStandbys   primary: application names of standbys whose walsender is streaming
 * @param syncSetting         current synchronous_standby_names
 * @param replicationSlots    physical replication slots present
 * @param cleanShutdown       stopped: pg_control says it was shut down cleanly (its checkpoint is the end of WAL)
 * @param history             primary: its timeline history (fork points of its ancestors)
 * @param syncCommitOverrides primary: stored per-database/per-role defaults of synchronous_commit
 * @param stoppedControl      stopped: what pg_control says beyond the checkpoint, {@link StoppedControl#NONE} otherwise
 */
public record LocalInstance(boolean dataDirInitialised, boolean standbySignal, boolean postmasterAlive, boolean running,
        boolean inRecovery, int timeline, long systemIdentifier, long receiveLsn, long replayLsn, long flushLsn,
        boolean walReceiverStreaming, String upstreamAddress, long receiverDownMillis, Set<String> streamingStandbys,
        SyncSetting syncSetting, Set<String> replicationSlots, boolean cleanShutdown, TimelineHistory history,
        Set<SyncCommitOverride> syncCommitOverrides, StoppedControl stoppedControl) {

    /**
     * What a stopped data directory's pg_control records beyond its last checkpoint: whether it last ran as a primary
     * and stopped without a shutdown checkpoint, and its minimum recovery point (a standby's data pages hold no change
     * past it; PostgreSQL refuses to follow a timeline that does not contain it).
     */
    public record StoppedControl(boolean crashedAsPrimary, int minRecoveryTimeline, long minRecoveryLsn) {
        public static final StoppedControl NONE = new StoppedControl(false, 0, Lsn.UNKNOWN);
    }

    public LocalInstance {
        stoppedControl = stoppedControl == null ? StoppedControl.NONE : stoppedControl;
        syncCommitOverrides = syncCommitOverrides == null ? Set.of() : Set.copyOf(syncCommitOverrides);
        streamingStandbys = Set.copyOf(streamingStandbys);
        replicationSlots = Set.copyOf(replicationSlots);
        syncSetting = syncSetting == null ? SyncSetting.NONE : syncSetting;
        history = history == null ? TimelineHistory.EMPTY : history;
    }

    public LocalInstance(boolean dataDirInitialised, boolean standbySignal, boolean postmasterAlive, boolean running,
            boolean inRecovery, int timeline, long systemIdentifier, long receiveLsn, long replayLsn, long flushLsn,
            boolean walReceiverStreaming, String upstreamAddress, long receiverDownMillis, Set<String> streamingStandbys,
            SyncSetting syncSetting, Set<String> replicationSlots, boolean cleanShutdown, TimelineHistory history,
            Set<SyncCommitOverride> syncCommitOverrides) {
        this(dataDirInitialised, standbySignal, postmasterAlive, running, inRecovery, timeline, systemIdentifier, receiveLsn,
                replayLsn, flushLsn, walReceiverStreaming, upstreamAddress, receiverDownMillis, streamingStandbys, syncSetting,
                replicationSlots, cleanShutdown, history, syncCommitOverrides, StoppedControl.NONE);
    }

    /** Without stored synchronous_commit defaults (a standby, a stopped member, or a primary that has none). */
    public LocalInstance(boolean dataDirInitialised, boolean standbySignal, boolean postmasterAlive, boolean running,
            boolean inRecovery, int timeline, long systemIdentifier, long receiveLsn, long replayLsn, long flushLsn,
            boolean walReceiverStreaming, String upstreamAddress, long receiverDownMillis, Set<String> streamingStandbys,
            SyncSetting syncSetting, Set<String> replicationSlots, boolean cleanShutdown, TimelineHistory history) {
        this(dataDirInitialised, standbySignal, postmasterAlive, running, inRecovery, timeline, systemIdentifier, receiveLsn,
                replayLsn, flushLsn, walReceiverStreaming, upstreamAddress, receiverDownMillis, streamingStandbys, syncSetting,
                replicationSlots, cleanShutdown, history, Set.of());
    }

    public static LocalInstance empty() {
        return new LocalInstance(false, false, false, false, false, 0, 0, Lsn.UNKNOWN, Lsn.UNKNOWN, Lsn.UNKNOWN, false,
                null, 0, Set.of(), SyncSetting.NONE, Set.of(), false, TimelineHistory.EMPTY);
    }

    public boolean isPrimary() {
        return running && !inRecovery;
    }

    public boolean isStandby() {
        return running && inRecovery;
    }

    /** A stopped data directory without standby.signal last ran as a primary (it may hold WAL no standby has). */
    public boolean formerPrimary() {
        return dataDirInitialised && !standbySignal;
    }

    /** The furthest WAL position this member holds. */
    public long position() {
        if (isPrimary()) {
            return flushLsn;
        }
        if (isStandby()) {
            return Math.max(receiveLsn, replayLsn);
        }
        return flushLsn;
    }
}

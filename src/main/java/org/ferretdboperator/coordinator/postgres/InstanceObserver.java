package org.ferretdboperator.coordinator.postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.ferretdboperator.coordinator.decision.LocalInstance;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.ferretdboperator.coordinator.decision.SyncCommitOverride;
import org.ferretdboperator.coordinator.decision.SyncSetting;
import org.ferretdboperator.coordinator.decision.TimelineHistory;
import org.jboss.logging.Logger;

/**
 * Observes the local PostgreSQL: over JDBC when it accepts connections, from PGDATA (PG_VERSION, standby.signal,
 * postmaster.pid, pg_control) otherwise. Never parses program output.
 */
public final class InstanceObserver {

    private static final Logger LOG = Logger.getLogger(InstanceObserver.class);

    private final InstanceSettings settings;
    private final PgConnections connections;
    private final LongSupplier nanoClock;
    private final ReceiverWatch receiver;
    private final KnownPostmaster postmaster;
    private int historyTimeline = -1;
    private int lastReceivedTimeline;
    private TimelineHistory history = TimelineHistory.EMPTY;
    private String notAcceptingReason;

    /** @param postmaster told of every postmaster seen running, for {@link InstanceController#fence} */
    public InstanceObserver(InstanceSettings settings, PgConnections connections, LongSupplier nanoClock,
            KnownPostmaster postmaster) {
        this.postmaster = postmaster;
        this.settings = settings;
        this.connections = connections;
        this.nanoClock = nanoClock;
        this.receiver = new ReceiverWatch(nanoClock.getAsLong());
    }

    public LocalInstance observe() {
        Path pgdata = settings.pgdata();
        boolean initialised = Files.exists(pgdata.resolve("PG_VERSION"));
        boolean standbySignal = Files.exists(pgdata.resolve("standby.signal"));
        Optional<Long> pid = PostmasterPidFile.runningPostmaster(pgdata); // alive, and a postgres process
        boolean postmasterAlive = pid.isPresent();
        if (postmasterAlive) {
            postmaster.seen(pid.get());
        }
        if (initialised && postmasterAlive) {
            try {
                LocalInstance running = observeRunning(standbySignal);
                notAcceptingReason = null;
                return running;
            } catch (SQLException e) {
                connections.closeLocal();
                // starting, stopping, or not accepting connections: fall through to the on-disk view
                notAccepting(pid.get(), e);
            }
        } else {
            notAcceptingReason = null;
        }
        Optional<ControlFile> control = initialised ? ControlFile.read(pgdata) : Optional.empty();
        receiver.observed(false, 0, nanoClock.getAsLong());
        return new LocalInstance(initialised, standbySignal, postmasterAlive, false, false,
                control.map(ControlFile::timeline).orElse(0), control.map(ControlFile::systemIdentifier).orElse(0L),
                Lsn.UNKNOWN, Lsn.UNKNOWN, control.map(ControlFile::checkpointLsn).orElse(Lsn.UNKNOWN), false,
                // only a running standby has an upstream: a stopped one's file would read as following the leader
                standbySignal && postmasterAlive ? upstreamAddress(PostgresFiles.configuredConninfo(pgdata)) : null,
                receiverDownMillis(), Set.of(), SyncSetting.NONE, Set.of(), control.map(ControlFile::cleanShutdown).orElse(false),
                TimelineHistory.EMPTY, Set.of(), control.map(c -> new LocalInstance.StoppedControl(
                        // a base backup's pg_control is the running source's; its backup_label says so
                        c.crashedAsPrimary() && !Files.exists(pgdata.resolve("backup_label")),
                        c.minRecoveryTimeline(), c.minRecoveryLsn())).orElse(LocalInstance.StoppedControl.NONE));
    }

    /**
     * Says once per distinct reason why a running postmaster refuses this coordinator's connection: "not yet accepting
     * connections" on a standby short of a consistent state reads the same in the decisions as a server stopping.
     */
    private void notAccepting(long pid, SQLException e) {
        String reason = "postmaster " + pid + ": " + e.getMessage();
        if (!reason.equals(notAcceptingReason)) {
            notAcceptingReason = reason;
            LOG.infof("PostgreSQL does not accept this coordinator's connection (%s)", reason);
        }
    }

    private LocalInstance observeRunning(boolean standbySignal) throws SQLException {
        Connection c = connections.local();
        try (Statement st = c.createStatement()) {
            // one round trip for the scalar facts of either role; the role-specific columns are NULL on the other role
            boolean inRecovery;
            long sysid;
            SyncSetting sync;
            String conninfo;
            long flush;
            int primaryTimeline;
            long receive;
            long replay;
            int checkpointTimeline;
            try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), (SELECT system_identifier FROM pg_control_system()), "
                    + "current_setting('synchronous_standby_names'), current_setting('primary_conninfo'), "
                    + "CASE WHEN NOT pg_is_in_recovery() THEN pg_current_wal_flush_lsn()::text END, "
                    + "CASE WHEN NOT pg_is_in_recovery() THEN "
                    + "('x' || substr(pg_walfile_name(pg_current_wal_flush_lsn()), 1, 8))::bit(32)::int END, "
                    + "pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text, "
                    + "(SELECT timeline_id FROM pg_control_checkpoint())")) {
                rs.next();
                inRecovery = rs.getBoolean(1);
                sysid = rs.getLong(2);
                sync = SyncSetting.parse(rs.getString(3));
                conninfo = rs.getString(4);
                flush = Lsn.parse(rs.getString(5));
                primaryTimeline = rs.getInt(6);
                receive = Lsn.parse(rs.getString(7));
                replay = Lsn.parse(rs.getString(8));
                checkpointTimeline = rs.getInt(9);
            }
            Set<String> slots = strings(st, "SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'physical'");
            if (!inRecovery) {
                Set<String> streaming = strings(st,
                        "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'");
                receiver.observed(false, 0, nanoClock.getAsLong());
                return new LocalInstance(true, standbySignal, true, true, false, primaryTimeline, sysid, Lsn.UNKNOWN, Lsn.UNKNOWN,
                        flush, false, null, receiverDownMillis(), streaming, sync, slots, false, history(st, primaryTimeline),
                        syncCommitOverrides(st));
            }
            boolean streaming = false;
            int timeline = 0;
            int receiverPid = 0;
            try (ResultSet rs = st.executeQuery("SELECT status, received_tli, pid FROM pg_stat_wal_receiver")) {
                if (rs.next()) {
                    streaming = "streaming".equals(rs.getString(1));
                    timeline = rs.getInt(2);
                    receiverPid = rs.getInt(3);
                }
            }
            if (streaming && timeline > 0) {
                lastReceivedTimeline = Math.max(lastReceivedTimeline, timeline);
            } else {
                // pg_control's checkpoint timeline lags until the next restartpoint; the newest WAL segment in pg_wal
                // and the last timeline this process saw streamed tell the timeline the standby has reached
                timeline = Math.max(Math.max(lastReceivedTimeline, checkpointTimeline), (int) scalarLong(st,
                        "SELECT coalesce(max(('x' || substr(name, 1, 8))::bit(32)::int), 0) FROM pg_ls_waldir() "
                                + "WHERE name ~ '^[0-9A-F]{24}$'"));
            }
            String upstream = upstreamAddress(conninfo);
            receiver.observed(streaming, receiverPid, nanoClock.getAsLong());
            return new LocalInstance(true, standbySignal, true, true, true, timeline, sysid, receive, replay, Lsn.UNKNOWN,
                    streaming, upstream, receiverDownMillis(), Set.of(), sync, slots, false, TimelineHistory.EMPTY);
        }
    }

    /** Stored synchronous_commit defaults (ALTER ROLE|DATABASE ... SET); a null database or role means every one. */
    private static Set<SyncCommitOverride> syncCommitOverrides(Statement st) throws SQLException {
        Set<SyncCommitOverride> out = new HashSet<>();
        try (ResultSet rs = st.executeQuery("SELECT d.datname, r.rolname, substr(c, length('synchronous_commit=') + 1) "
                + "FROM pg_db_role_setting s LEFT JOIN pg_database d ON d.oid = s.setdatabase "
                + "LEFT JOIN pg_roles r ON r.oid = s.setrole, unnest(s.setconfig) c "
                + "WHERE c LIKE 'synchronous\\_commit=%'")) {
            while (rs.next()) {
                out.add(new SyncCommitOverride(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return out;
    }

    /** The primary's own timeline history, read once per timeline from its history file. */
    private TimelineHistory history(Statement st, int timeline) throws SQLException {
        if (timeline != historyTimeline) {
            history = timeline <= 1 ? TimelineHistory.EMPTY
                    : TimelineHistory.parseHistoryFile(scalarString(st,
                            "SELECT pg_read_file('pg_wal/' || lpad(upper(to_hex(" + timeline + ")), 8, '0') || '.history')"));
            historyTimeline = timeline;
        }
        return history;
    }

    private long receiverDownMillis() {
        return receiver.downMillis(nanoClock.getAsLong());
    }

    /** host:port from a primary_conninfo this coordinator wrote ({@code host=.. port=..}); null when empty. */
    static String upstreamAddress(String conninfo) {
        if (conninfo == null || conninfo.isBlank()) {
            return null;
        }
        String host = null;
        String port = "5432";
        for (String part : conninfo.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = part.substring(0, eq);
            String value = part.substring(eq + 1).replace("'", "");
            if (key.equals("host")) {
                host = value;
            } else if (key.equals("port")) {
                port = value;
            }
        }
        return host == null ? null : host + ":" + port;
    }

    private static long scalarLong(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String scalarString(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Set<String> strings(Statement st, String sql) throws SQLException {
        Set<String> out = new HashSet<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}

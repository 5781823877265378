package org.ferretdboperator.coordinator.postgres;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.ferretdboperator.coordinator.decision.Lsn;
import org.jboss.logging.Logger;

/**
 * The fields of {@code global/pg_control} the coordinator needs while PostgreSQL is stopped (what pg_controldata prints
 * as "Database system identifier", "Database cluster state", "Latest checkpoint location", "Latest checkpoint's
 * TimeLineID", "Minimum recovery ending location" and "Min recovery ending loc's timeline").
 *
 * <p>Two formats are read: pg_control_version 1300 (PostgreSQL 13 to 16) and 1700 (PostgreSQL 17). They differ only
 * after the fields read here (PostgreSQL 17 added {@code wal_level} to the checkpoint copy, behind
 * {@code fullPageWrites}); the leading layout of {@code ControlFileData} is the same in both, on the 64-bit
 * little- or big-endian machines PostgreSQL supports (native byte order, 8-byte alignment):
 * <pre>
 *   0 uint64 system_identifier     8 uint32 pg_control_version   12 uint32 catalog_version_no
 *  16 int32  state (DBState)      24 int64  time                 32 uint64 checkPoint (LSN)
 *  40 uint64 checkPointCopy.redo  48 uint32 checkPointCopy.ThisTimeLineID
 * 136 uint64 minRecoveryPoint    144 uint32 minRecoveryPointTLI
 * </pre>
 * ({@code CheckPoint} takes 88 bytes from 40, then {@code unloggedLSN} at 128.)
 * Any other version is rejected with a message that says which versions are read: reading another layout as if it
 * were one of these would report wrong positions, which is worse than none.
 */
public record ControlFile(long systemIdentifier, int controlVersion, State state, long checkpointLsn, int timeline,
        long minRecoveryLsn, int minRecoveryTimeline) {

    private static final Logger LOG = Logger.getLogger(ControlFile.class);

    /** DBState in the order of PostgreSQL's enum (unchanged from 13 to 17). */
    public enum State {
        STARTUP, SHUT_DOWN, SHUT_DOWN_IN_RECOVERY, SHUTTING_DOWN, IN_CRASH_RECOVERY, IN_ARCHIVE_RECOVERY, IN_PRODUCTION, UNKNOWN
    }

    /** pg_control_version → the PostgreSQL releases that write it. */
    static final Map<Integer, String> SUPPORTED_VERSIONS = Map.of(1300, "PostgreSQL 13 to 16", 1700, "PostgreSQL 17");

    private static final int FIELDS_END = 148;
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    public boolean cleanShutdown() {
        return state == State.SHUT_DOWN || state == State.SHUT_DOWN_IN_RECOVERY;
    }

    /**
     * The server last ran as a primary (or was recovering from a crash as one) and did not shut down cleanly: its WAL
     * goes on past the last checkpoint, to a point pg_control does not record, and its data pages may hold changes up
     * to that point. A standby start does not change this until the startup process enters archive recovery.
     */
    public boolean crashedAsPrimary() {
        return state == State.IN_PRODUCTION || state == State.SHUTTING_DOWN || state == State.IN_CRASH_RECOVERY;
    }

    /**
     * Empty when there is no readable pg_control, or when it cannot be read safely (an unsupported version, logged
     * once with the reason): the coordinator then knows no position, which only ever makes a failover wait.
     */
    public static Optional<ControlFile> read(Path pgdata) {
        Path file = pgdata.resolve("global").resolve("pg_control");
        try {
            if (!Files.isReadable(file)) {
                return Optional.empty();
            }
            return Optional.of(parse(Files.readAllBytes(file), file.toString()));
        } catch (UnsupportedControlFileException e) {
            if (REPORTED.add(e.getMessage())) {
                LOG.error(e.getMessage());
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Parses the leading fields of a pg_control file; {@code source} names it in error messages. */
    public static ControlFile parse(byte[] bytes, String source) throws UnsupportedControlFileException {
        if (bytes.length < FIELDS_END) {
            throw new UnsupportedControlFileException(source + " is " + bytes.length + " bytes long, too short for a "
                    + "pg_control file (its leading fields take " + FIELDS_END + ")");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        int version = buf.getInt(8);
        if (!SUPPORTED_VERSIONS.containsKey(version)) {
            throw new UnsupportedControlFileException(source + ": pg_control_version is " + Integer.toUnsignedString(version)
                    + ", which this coordinator cannot read; it reads " + describeSupported()
                    + ". Use a PostgreSQL version the catalog supports, or a coordinator that knows this format.");
        }
        long sysid = buf.getLong(0);
        int rawState = buf.getInt(16);
        State state = rawState >= 0 && rawState < State.UNKNOWN.ordinal() ? State.values()[rawState] : State.UNKNOWN;
        long checkpoint = buf.getLong(32);
        int timeline = buf.getInt(48);
        long minRecovery = buf.getLong(136);
        int minRecoveryTimeline = buf.getInt(144);
        return new ControlFile(sysid, version, state, checkpoint, timeline, minRecovery == 0 ? Lsn.UNKNOWN : minRecovery,
                minRecoveryTimeline);
    }

    static String describeSupported() {
        return SUPPORTED_VERSIONS.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .reduce((a, b) -> a + " and " + b).orElse("");
    }

    /** A pg_control file in a format this coordinator does not read. */
    public static final class UnsupportedControlFileException extends IOException {
        public UnsupportedControlFileException(String message) {
            super(message);
        }
    }
}

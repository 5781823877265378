package org.ferretdboperator.coordinator.postgres;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of {@code global/pg_control} the coordinator needs while PostgreSQL is stopped (pg_controldata's first
 * lines): system identifier, cluster state, last checkpoint location and its timeline. The layout of these leading
 * fields is the same for pg_control_version 1300 (PostgreSQL 13 to 17); other versions read as unknown.
 */
public record ControlFile(long systemIdentifier, int controlVersion, State state, long checkpointLsn, int timeline) {

    public enum State {
        STARTUP, SHUT_DOWN, SHUT_DOWN_IN_RECOVERY, SHUTTING_DOWN, IN_CRASH_RECOVERY, IN_ARCHIVE_RECOVERY, IN_PRODUCTION, UNKNOWN
    }

    static final int SUPPORTED_VERSION = 1300;

    public boolean cleanShutdown() {
        return state == State.SHUT_DOWN || state == State.SHUT_DOWN_IN_RECOVERY;
    }

    public static Optional<ControlFile> read(Path pgdata) {
        Path file = pgdata.resolve("global").resolve("pg_control");
        try {
            if (!Files.isReadable(file)) {
                return Optional.empty();
            }
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.nativeOrder());
            if (buf.capacity() < 56) {
                return Optional.empty();
            }
            long sysid = buf.getLong(0);
            int version = buf.getInt(8);
            if (version != SUPPORTED_VERSION) {
                return Optional.empty();
            }
            int rawState = buf.getInt(16);
            State state = rawState >= 0 && rawState < State.UNKNOWN.ordinal() ? State.values()[rawState] : State.UNKNOWN;
            // time (int64) at 24, checkPoint at 32, checkPointCopy.redo at 40, checkPointCopy.ThisTimeLineID at 48
            long checkpoint = buf.getLong(32);
            int timeline = buf.getInt(48);
            return Optional.of(new ControlFile(sysid, version, state, checkpoint, timeline));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

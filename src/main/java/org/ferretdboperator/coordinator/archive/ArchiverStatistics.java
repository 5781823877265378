package org.ferretdboperator.coordinator.archive;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.ferretdboperator.coordinator.decision.ArchiverState;

/**
 * Reads the local PostgreSQL's pg_stat_archiver for the member state. At most once per {@code intervalNanos}: the
 * loop publishes every tick, and a segment is archived at most every few seconds under load, once a minute when quiet
 * (archive_timeout).
 */
public final class ArchiverStatistics {

    static final String QUERY = "SELECT archived_count, last_archived_wal, last_archived_time, failed_count, "
            + "last_failed_wal, last_failed_time FROM pg_stat_archiver";

    /** The local connection; throws when PostgreSQL does not answer. */
    public interface LocalConnection {
        Connection get() throws SQLException;

        void broken();
    }

    private final LocalConnection connection;
    private final LongSupplier nanos;
    private final long intervalNanos;
    private long readAtNanos;
    private Optional<ArchiverState> last = Optional.empty();
    private boolean read;

    public ArchiverStatistics(LocalConnection connection, LongSupplier nanos, long intervalNanos) {
        this.connection = connection;
        this.nanos = nanos;
        this.intervalNanos = intervalNanos;
    }

    /** Empty when PostgreSQL did not answer at the last read. */
    public synchronized Optional<ArchiverState> current() {
        long now = nanos.getAsLong();
        if (read && now - readAtNanos < intervalNanos) {
            return last;
        }
        read = true;
        readAtNanos = now;
        try {
            Connection c = connection.get();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(QUERY)) {
                last = rs.next() ? Optional.of(state(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            connection.broken();
            last = Optional.empty();
        }
        return last;
    }

    static ArchiverState state(ResultSet rs) throws SQLException {
        return new ArchiverState(rs.getLong(1), rs.getString(2), instant(rs, 3), rs.getLong(4), rs.getString(5),
                instant(rs, 6));
    }

    private static String instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant().toString();
    }
}

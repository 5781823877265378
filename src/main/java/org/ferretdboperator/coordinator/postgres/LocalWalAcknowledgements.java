package org.ferretdboperator.coordinator.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.ferretdboperator.coordinator.decision.Lsn;

/**
 * {@link WalAcknowledgements} over a connection of its own to the local PostgreSQL (superuser, loopback), so that the
 * failsafe's checks never wait on the loop's connection or share its failures.
 */
public final class LocalWalAcknowledgements implements WalAcknowledgements {

    private final InstanceSettings settings;
    private Connection connection;

    public LocalWalAcknowledgements(InstanceSettings settings) {
        this.settings = settings;
    }

    @Override
    public synchronized long writeMarker() throws SQLException {
        try (Statement st = connection().createStatement()) {
            // a transaction id makes the commit write (and, at synchronous_commit = local, flush) a commit record
            st.execute("SELECT pg_current_xact_id()");
            try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_flush_lsn()::text")) {
                rs.next();
                return Lsn.parse(rs.getString(1));
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    @Override
    public synchronized Map<String, Long> acknowledgedFlush() throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (Statement st = connection().createStatement(); ResultSet rs = st.executeQuery(
                "SELECT application_name, flush_lsn::text FROM pg_stat_replication "
                        + "WHERE state = 'streaming' AND flush_lsn IS NOT NULL")) {
            while (rs.next()) {
                out.merge(rs.getString(1), Lsn.parse(rs.getString(2)), Math::max);
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
        return out;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = PgConnections.open("127.0.0.1", settings.port(), "postgres", settings.superuser(), 1, 2);
            try (Statement st = connection.createStatement()) {
                st.execute("SET synchronous_commit = local");
            }
        }
        return connection;
    }

    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already broken
            }
            connection = null;
        }
    }
}

package org.ferretdboperator.coordinator;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.ferretdboperator.coordinator.decision.LeaderProbe;
import org.ferretdboperator.coordinator.postgres.PgConnections;

/**
 * Before taking over a lapsed Lease: does the last holder's PostgreSQL still accept writes? (Its coordinator may be
 * gone while PostgreSQL runs on.) A quick TCP connect first, so a dead address costs milliseconds, not a JDBC timeout.
 */
final class LeaderProber {

    private final PgConnections connections;
    private final int connectMillis;

    LeaderProber(PgConnections connections, int connectMillis) {
        this.connections = connections;
        this.connectMillis = connectMillis;
    }

    LeaderProbe probe(String address) {
        int colon = address.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                    connectMillis);
        } catch (IOException | RuntimeException e) {
            return LeaderProbe.UNREACHABLE;
        }
        try (Connection c = connections.peer(address, 1); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1) ? LeaderProbe.STANDBY : LeaderProbe.WRITABLE;
        } catch (SQLException e) {
            // a server that answers with an error (too many clients, pg_hba, authentication) still runs, and its open
            // sessions may still commit: only a connection that never reached a server counts as unreachable
            return LeaderProbe.afterError(e.getSQLState());
        }
    }
}

package org.ferretdboperator.coordinator.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** JDBC connections: to the local PostgreSQL as superuser over loopback, and to a peer as the replication role. */
public final class PgConnections {

    private final InstanceSettings settings;
    private Connection local;

    public PgConnections(InstanceSettings settings) {
        this.settings = settings;
    }

    /** A shared, autocommit connection to the local PostgreSQL; reopened when broken. */
    public synchronized Connection local() throws SQLException {
        if (local != null) {
            // no isValid() round trip on every tick: callers close the connection on any SQLException instead
            if (!local.isClosed()) {
                return local;
            }
            closeLocal();
        }
        local = open("127.0.0.1", settings.port(), "postgres", settings.superuser(), 1, 3);
        try (java.sql.Statement st = local.createStatement()) {
            // The coordinator's own writes (roles, databases) are re-ensured by every new leader, so they need not wait
            // for synchronous standbys: with none connected they would block the loop (strict mode blocks commits).
            st.execute("SET synchronous_commit = local");
        }
        return local;
    }

    public synchronized void closeLocal() {
        if (local != null) {
            try {
                local.close();
            } catch (SQLException ignored) {
                // already broken
            }
            local = null;
        }
    }

    /** A short-lived connection to a peer's PostgreSQL at host:port as the replication role (database postgres). */
    public Connection peer(String address, int timeoutSeconds) throws SQLException {
        int colon = address.lastIndexOf(':');
        Properties p = new Properties();
        settings.tlsDir().ifPresent(dir -> TlsConfiguration.jdbc(p, dir));
        return open(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), "postgres",
                settings.replication(), timeoutSeconds, timeoutSeconds, p);
    }

    static Connection open(String host, int port, String database, Credentials who, int connectTimeout, int socketTimeout)
            throws SQLException {
        return open(host, port, database, who, connectTimeout, socketTimeout, new Properties());
    }

    private static Connection open(String host, int port, String database, Credentials who, int connectTimeout,
            int socketTimeout, Properties p) throws SQLException {
        p.setProperty("user", who.username());
        p.setProperty("password", who.passwordString());
        p.setProperty("connectTimeout", Integer.toString(connectTimeout));
        p.setProperty("socketTimeout", Integer.toString(socketTimeout));
        p.setProperty("loginTimeout", Integer.toString(connectTimeout + 1));
        p.setProperty("ApplicationName", "pg-coordinator");
        p.setProperty("tcpKeepAlive", "true");
        String h = host.contains(":") ? "[" + host + "]" : host;
        Connection c = DriverManager.getConnection("jdbc:postgresql://" + h + ":" + port + "/" + database, p);
        c.setAutoCommit(true);
        return c;
    }
}

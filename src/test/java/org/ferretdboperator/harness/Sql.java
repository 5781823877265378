package org.ferretdboperator.harness;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** JDBC to one member's PostgreSQL over loopback TCP, with short timeouts so a dead or frozen member never stalls a thread. */
public final class Sql {

    /** Credentials the harness gave the cluster (its superuser Secret). */
    public record Login(String user, String password) {
        @Override
        public String toString() {
            return "Login[" + user + ", password=***]";
        }
    }

    private Sql() {
    }

    /**
     * @param socketTimeoutSeconds how long a statement (a commit waiting for a synchronous standby) may take before the
     *                             client gives up on it; the outcome of such a commit is unknown, never an acknowledgement
     */
    public static Connection connect(int port, Login login, String applicationName, int socketTimeoutSeconds) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", login.user());
        p.setProperty("password", login.password());
        p.setProperty("connectTimeout", "1");
        p.setProperty("loginTimeout", "1");
        p.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    public static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    public static long queryLong(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from: " + sql);
            }
            return rs.getLong(1);
        }
    }

    public static String queryString(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from: " + sql);
            }
            return rs.getString(1);
        }
    }

    public static boolean queryBoolean(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from: " + sql);
            }
            return rs.getBoolean(1);
        }
    }
}

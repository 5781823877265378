package org.ferretdboperator.harness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The harness's tables on one system under test: harness_writes (the writer's and the probes' commits, one id each,
 * unique over every run on the system) and harness_seed (rows committed and replayed before a fault).
 */
public final class HarnessTables {

    private final AtomicLong writeIds = new AtomicLong();
    private int seedRows;

    /** Creates the tables on the bootstrapped primary. */
    public static void create(Connection primary) throws SQLException {
        Sql.exec(primary, "CREATE TABLE harness_writes (id bigint PRIMARY KEY, source text NOT NULL, member text NOT NULL,"
                + " at timestamptz NOT NULL DEFAULT clock_timestamp())");
        Sql.exec(primary, "CREATE TABLE harness_seed (id int PRIMARY KEY, payload text NOT NULL)");
    }

    public long nextWriteId() {
        return writeIds.incrementAndGet();
    }

    public synchronized int seedRows() {
        return seedRows;
    }

    /** Commits {@code rows} more rows on {@code primary} and waits until every member of {@code system} has replayed them. */
    public void seed(HaSystem system, Connection primary, int rows) throws SQLException {
        synchronized (this) {
            try (primary; PreparedStatement ps = primary.prepareStatement(
                    "INSERT INTO harness_seed (id, payload) SELECT g, repeat('x', 100) FROM generate_series(?, ?) g")) {
                ps.setInt(1, seedRows + 1);
                ps.setInt(2, seedRows + rows);
                ps.executeUpdate();
            }
            seedRows += rows;
        }
        system.awaitReplayed();
    }
}

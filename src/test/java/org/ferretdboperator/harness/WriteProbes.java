package org.ferretdboperator.harness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The split-brain poller: one thread per member that tries to commit a small write directly on that member's
 * PostgreSQL (bypassing labels and Services) every few milliseconds. A commit that returns OK proves the member
 * acknowledged writes in that window; two members doing so in overlapping windows is a split brain. A standby's
 * refusal (read-only transaction) and every error are simply not acknowledgements.
 */
public final class WriteProbes implements AutoCloseable {

    public static final String SOURCE = "probe";

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public WriteProbes(Map<String, Integer> ports, Sql.Login login, AckLog acks, Duration interval) {
        ports.forEach((member, port) -> {
            Thread t = new Thread(() -> loop(member, port, login, acks, interval.toNanos()), "harness-probe-" + member);
            t.setDaemon(true);
            threads.add(t);
        });
    }

    public WriteProbes start() {
        threads.forEach(Thread::start);
        return this;
    }

    private void loop(String member, int port, Sql.Login login, AckLog acks, long intervalNanos) {
        Connection c = null;
        while (running) {
            long id = acks.nextId();
            long sent = System.nanoTime();
            try {
                if (c == null) {
                    c = Sql.connect(port, login, SOURCE, 1);
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO harness_writes (id, source, member) VALUES (?, ?, ?)")) {
                    ps.setLong(1, id);
                    ps.setString(2, SOURCE);
                    ps.setString(3, member);
                    ps.executeUpdate();
                }
                acks.record(new AckLog.Ack(SOURCE, member, id, sent, System.nanoTime()));
            } catch (SQLException e) {
                if (!"25006".equals(e.getSQLState())) { // read-only transaction: a standby, keep the session
                    Writer.closeQuietly(c);
                    c = null;
                }
            }
            LockSupport.parkNanos(intervalNanos);
        }
        Writer.closeQuietly(c);
    }

    @Override
    public void close() {
        running = false;
        Harness.joinAll(threads, Duration.ofSeconds(5));
    }
}

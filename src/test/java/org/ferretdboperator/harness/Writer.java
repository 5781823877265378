package org.ferretdboperator.harness;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * An application writing through failovers: one INSERT of a unique id per tick (autocommit) to whichever member the
 * {@code kubedb.com/role=primary} label selects, as the primary Service routes it (the most recently labelled first,
 * see {@link RoleLabels#primaries}). Only a commit that returned OK is
 * recorded as acknowledged; any error drops the connection and the next id goes to whatever the label says then.
 * The benchmark's peer (harness.patroni) gives it a supplier that follows Patroni's REST API instead of the labels.
 */
public final class Writer implements AutoCloseable {

    public static final String SOURCE = "writer";

    private final Map<String, Integer> ports;
    private final Sql.Login login;
    private final AckLog acks;
    private final Supplier<List<String>> primaries;
    private final long intervalNanos;
    private final int socketTimeoutSeconds;
    private final Map<String, Connection> connections = new HashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param ports     member name -> PostgreSQL port
     * @param primaries members currently labelled primary (normally one)
     */
    public Writer(Map<String, Integer> ports, Sql.Login login, AckLog acks, Supplier<List<String>> primaries, Duration interval,
            int socketTimeoutSeconds) {
        this.ports = Map.copyOf(ports);
        this.login = login;
        this.acks = acks;
        this.primaries = primaries;
        this.intervalNanos = interval.toNanos();
        this.socketTimeoutSeconds = socketTimeoutSeconds;
        this.thread = new Thread(this::loop, "harness-writer");
        this.thread.setDaemon(true);
    }

    public Writer start() {
        thread.start();
        return this;
    }

    public long failures() {
        return failures.get();
    }

    private void loop() {
        long next = System.nanoTime();
        while (running) {
            for (String member : primaries.get()) {
                if (write(member)) {
                    break;
                }
            }
            next += intervalNanos;
            long now = System.nanoTime();
            if (next < now) {
                next = now; // after a long stall, do not burst
            } else {
                LockSupport.parkNanos(next - now);
            }
        }
        connections.values().forEach(Writer::closeQuietly);
    }

    private boolean write(String member) {
        long id = acks.nextId();
        long sent = System.nanoTime();
        try {
            Connection c = connections.get(member);
            if (c == null) {
                c = Sql.connect(ports.get(member), login, SOURCE, socketTimeoutSeconds);
                connections.put(member, c);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO harness_writes (id, source, member) VALUES (?, ?, ?)")) {
                ps.setLong(1, id);
                ps.setString(2, SOURCE);
                ps.setString(3, member);
                ps.executeUpdate();
            }
            acks.record(new AckLog.Ack(SOURCE, member, id, sent, System.nanoTime()));
            return true;
        } catch (SQLException e) {
            failures.incrementAndGet();
            closeQuietly(connections.remove(member));
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(Duration.ofSeconds(socketTimeoutSeconds + 5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // the connection is gone anyway
        }
    }
}

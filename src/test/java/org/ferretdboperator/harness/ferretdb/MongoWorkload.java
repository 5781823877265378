package org.ferretdboperator.harness.ferretdb;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.bson.Document;

/**
 * An application using the MongoDB Java driver through failovers: {@code writers} threads insert documents with unique
 * ids through the primary FerretDB server, and one reader fetches documents known to exist through the secondary
 * FerretDB server. The driver is used as an application would: one client for the whole run, its own retry settings,
 * no reconnect logic here; an operation that throws is counted and the thread goes on with the next one.
 *
 * <p>An insert is recorded as acknowledged only when {@code insertOne} returned normally. An id whose insert threw is
 * "attempted": it may or may not have been committed (the checker must accept either). A read counts as a success only
 * when it returned the expected document.
 */
public final class MongoWorkload implements AutoCloseable {

    /** An insert the driver reported as successful. */
    public record Ack(long id, long sentNanos, long ackedNanos) {
    }

    /** An operation that threw (or, for a read, returned no document). */
    public record Failure(long atNanos, String error) {
    }

    /** One read through the secondary server. */
    public record Read(long sentNanos, long doneNanos, boolean ok) {
    }

    private final MongoCollection<Document> writes;
    private final MongoCollection<Document> reads;
    private final List<Object> readIds;
    private final long writeIntervalNanos;
    private final long readIntervalNanos;
    private final AtomicLong ids = new AtomicLong();
    private final Set<Long> attempted = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Failure> writeFailures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Read> readLog = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Failure> readFailures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private volatile boolean bounded;
    private volatile long stopAtNanos;

    /**
     * @param writes  the collection inserts go to, through the primary FerretDB server
     * @param reads   a collection read through the secondary FerretDB server; null for no reader
     * @param readIds ids of documents committed (and replicated) in {@code reads} before the workload starts
     */
    public MongoWorkload(MongoCollection<Document> writes, int writers, Duration writeInterval, MongoCollection<Document> reads,
            List<Object> readIds, Duration readInterval) {
        this.writes = writes;
        this.reads = reads;
        this.readIds = List.copyOf(readIds);
        this.writeIntervalNanos = writeInterval.toNanos();
        this.readIntervalNanos = readInterval.toNanos();
        for (int i = 0; i < writers; i++) {
            threads.add(thread("mongo-writer-" + i, this::write, writeIntervalNanos));
        }
        if (reads != null) {
            threads.add(thread("mongo-reader", this::read, readIntervalNanos));
        }
    }

    public MongoWorkload start() {
        threads.forEach(Thread::start);
        return this;
    }

    /** Like {@link #start()}, with threads that stop by themselves once {@code atMost} has passed. */
    public MongoWorkload start(Duration atMost) {
        stopAtNanos = System.nanoTime() + atMost.toNanos();
        bounded = true;
        return start();
    }

    private Thread thread(String name, Runnable step, long intervalNanos) {
        Thread t = new Thread(() -> {
            long next = System.nanoTime();
            while (running && !(bounded && System.nanoTime() - stopAtNanos >= 0)) {
                step.run();
                next += intervalNanos;
                long now = System.nanoTime();
                if (next < now) {
                    next = now; // after a stall, no burst
                } else {
                    LockSupport.parkNanos(next - now);
                }
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    private void write() {
        long id = ids.incrementAndGet();
        attempted.add(id);
        long sent = System.nanoTime();
        try {
            writes.insertOne(new Document("_id", id).append("thread", Thread.currentThread().getName()));
            acks.add(new Ack(id, sent, System.nanoTime()));
        } catch (MongoException e) {
            writeFailures.add(new Failure(System.nanoTime(), describe(e)));
        }
    }

    private void read() {
        Object id = readIds.get(ThreadLocalRandom.current().nextInt(readIds.size()));
        long sent = System.nanoTime();
        boolean ok;
        try {
            Document d = reads.find(Filters.eq("_id", id)).first();
            ok = d != null;
            if (!ok) {
                readFailures.add(new Failure(System.nanoTime(), "document " + id + " not found"));
            }
        } catch (MongoException e) {
            ok = false;
            readFailures.add(new Failure(System.nanoTime(), describe(e)));
        }
        readLog.add(new Read(sent, System.nanoTime(), ok));
    }

    private static String describe(MongoException e) {
        String message = String.valueOf(e instanceof com.mongodb.MongoCommandException ce && ce.getErrorMessage() != null
                ? ce.getErrorMessage() : e.getMessage());
        String codeName = e instanceof com.mongodb.MongoServerException se ? " " + se.getErrorCodeName() : "";
        return e.getClass().getSimpleName() + " code " + e.getCode() + codeName + ": "
                + (message.length() > 400 ? message.substring(0, 150) + " ... " + message.substring(message.length() - 250)
                        : message);
    }

    /** Acknowledged inserts, in the order they completed. */
    public List<Ack> acks() {
        List<Ack> list = new ArrayList<>(acks);
        list.sort(Comparator.comparingLong(Ack::ackedNanos));
        return list;
    }

    public Set<Long> attempted() {
        return Set.copyOf(attempted);
    }

    public List<Failure> writeFailures() {
        return List.copyOf(writeFailures);
    }

    public List<Read> reads() {
        List<Read> list = new ArrayList<>(readLog);
        list.sort(Comparator.comparingLong(Read::doneNanos));
        return list;
    }

    public List<Failure> readFailures() {
        return List.copyOf(readFailures);
    }

    /**
     * Failures grouped by kind (exception class, error code and code name), each with its count and the first message
     * seen of that kind.
     */
    public static Map<String, String> kinds(List<Failure> failures) {
        Map<String, Long> counts = new TreeMap<>();
        Map<String, String> first = new TreeMap<>();
        for (Failure f : failures) {
            int colon = f.error().indexOf(": ");
            String kind = colon < 0 ? f.error() : f.error().substring(0, colon);
            counts.merge(kind, 1L, Long::sum);
            first.putIfAbsent(kind, colon < 0 ? "" : f.error().substring(colon + 2));
        }
        Map<String, String> out = new TreeMap<>();
        counts.forEach((kind, n) -> out.put(kind, n + "x, e.g. " + first.get(kind)));
        return out;
    }

    /** Stops the threads after their current operation (waits up to {@code timeout} for them). */
    public void stop(Duration timeout) {
        running = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                Log.log("workload: %s still inside an operation after %s", t.getName(), timeout);
            }
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }
}

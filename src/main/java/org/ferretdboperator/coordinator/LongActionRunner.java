package org.ferretdboperator.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.ferretdboperator.coordinator.decision.Action;
import org.ferretdboperator.coordinator.decision.LongAction;
import org.jboss.logging.Logger;

/**
 * Runs one long action (clone, re-clone, rewind) on a thread of its own and measures its progress as the size and
 * newest modification time of the data directory it writes, sampled at most once per {@link #SAMPLE_INTERVAL}.
 * Cancelling interrupts that thread: the process runner then stops the program (SIGKILL here, the runner's
 * SIGTERM-then-SIGKILL in a pod), and the clone removes what it had copied. The judgements are {@link LongAction}'s.
 */
final class LongActionRunner {

    private static final Logger LOG = Logger.getLogger(LongActionRunner.class);
    static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);

    /** The body of a long action; may throw what the process runner throws. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** A finished long action: its action and null, or what failed. */
    record Finished(Action action, Exception failure) {
    }

    private final Executor worker;
    private final Path target;
    private final LongSupplier nanos;

    private Action action;
    /** Completed with null or the failure once the body has left (its program stopped, its cleanup done). */
    private CompletableFuture<Exception> ended;
    private Thread thread;
    private boolean cancelled;
    private long startedNanos;
    private long progressNanos;
    private long sampledNanos;
    private long bytes = -1;
    private long newestModified = -1;

    /**
     * @param worker where the body runs: a thread of its own in a coordinator; the caller's thread in tests that
     *               step the loop (then {@link #start} returns with the action finished)
     * @param target the directory the long actions write (PGDATA)
     */
    LongActionRunner(Executor worker, Path target, LongSupplier nanos) {
        this.worker = worker;
        this.target = target;
        this.nanos = nanos;
    }

    /** A runner on a daemon thread of its own, started once per long action. */
    static LongActionRunner threaded(Path target, LongSupplier nanos) {
        return new LongActionRunner(body -> {
            Thread t = new Thread(body, "pg-coordinator-long-action");
            t.setDaemon(true);
            t.start();
        }, target, nanos);
    }

    synchronized boolean busy() {
        return ended != null && !ended.isDone();
    }

    /** Starts {@code body} for {@code action}; refuses a second one while one runs or its end is unreported. */
    void start(Action action, Body body) {
        CompletableFuture<Exception> end;
        synchronized (this) {
            if (ended != null) {
                throw new IllegalStateException("a long action (" + this.action.kind() + ") is still in flight or unreported");
            }
            this.action = action;
            long now = nanos.getAsLong();
            startedNanos = now;
            progressNanos = now;
            sampledNanos = now;
            bytes = -1;
            newestModified = -1;
            cancelled = false;
            end = new CompletableFuture<>();
            ended = end;
            sample(now); // what is there before it starts (a rewind's whole directory) is no progress of its own
        }
        LOG.infof("long action started: %s", action.kind());
        worker.execute(() -> {
            Exception failure = null;
            try {
                synchronized (this) {
                    if (cancelled) {
                        throw new InterruptedException("cancelled before it started");
                    }
                    thread = Thread.currentThread();
                }
                body.run();
            } catch (Exception e) {
                failure = e;
            } finally {
                synchronized (this) {
                    thread = null;
                }
                Thread.interrupted(); // a cancel that came after the body returned must not leak into the next use
                end.complete(failure);
            }
        });
    }

    /** The long action in flight, with its progress sampled now when the last sample is old enough (the loop's view). */
    synchronized Optional<LongAction.InFlight> inFlight() {
        return inFlight(true);
    }

    /**
     * The same as last sampled by the loop, without taking this runner's lock or touching the disk: for the liveness
     * check, which must answer even while the loop walks a large directory.
     */
    Optional<LongAction.InFlight> lastSampled() {
        Progress p = progress;
        if (p == null || p.ended().isDone()) {
            return Optional.empty();
        }
        long now = nanos.getAsLong();
        return Optional.of(new LongAction.InFlight(p.action(), (now - p.startedNanos()) / 1_000_000,
                (now - p.progressNanos()) / 1_000_000, Math.max(0, p.bytes())));
    }

    /** What {@link #lastSampled} reads, replaced as a whole. */
    private record Progress(Action action, long startedNanos, long progressNanos, long bytes,
            CompletableFuture<Exception> ended) {
    }

    private volatile Progress progress;

    private Optional<LongAction.InFlight> inFlight(boolean sampleIfDue) {
        if (!busy()) {
            return Optional.empty();
        }
        long now = nanos.getAsLong();
        if (sampleIfDue && now - sampledNanos >= SAMPLE_INTERVAL.toNanos()) {
            sample(now);
        }
        return Optional.of(new LongAction.InFlight(action, (now - startedNanos) / 1_000_000,
                (now - progressNanos) / 1_000_000, Math.max(0, bytes)));
    }

    private void sample(long now) {
        sampledNanos = now;
        long[] measured = measure(target);
        if (measured[0] != bytes || measured[1] != newestModified) {
            bytes = measured[0];
            newestModified = measured[1];
            progressNanos = now;
        }
        progress = new Progress(action, startedNanos, progressNanos, bytes, ended);
    }

    /** Total size and newest modification time (ms) of the files under {@code dir}; zeros when it does not exist. */
    static long[] measure(Path dir) {
        long[] out = new long[2];
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(p -> {
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    if (a.isRegularFile()) {
                        out[0] += a.size();
                    }
                    out[1] = Math.max(out[1], a.lastModifiedTime().toMillis());
                } catch (IOException e) {
                    // a file removed while walking (a WAL segment renamed): the next sample sees the new state
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // the directory changed under the walk; what was summed so far still tells progress
        }
        return out;
    }

    /** The long action that ended since the last call, once; empty while one runs or none ran. */
    synchronized Optional<Finished> takeFinished() {
        if (ended == null || !ended.isDone()) {
            return Optional.empty();
        }
        Exception failure = ended.join();
        if (failure == null) {
            LOG.infof("long action finished: %s after %d s", action.kind(), (nanos.getAsLong() - startedNanos) / 1_000_000_000L);
        }
        ended = null;
        return Optional.of(new Finished(action, failure));
    }

    /**
     * Interrupts the long action and waits up to {@code wait} for it to end (its program stopped, its partial copy
     * removed). Returns whether it ended in time; if not, {@link #takeFinished} reports it once it does.
     */
    boolean cancel(String reason, Duration wait) throws InterruptedException {
        CompletableFuture<Exception> end;
        synchronized (this) {
            if (ended == null || ended.isDone()) {
                return true;
            }
            end = ended;
            cancelled = true;
            if (thread != null) {
                thread.interrupt();
            }
        }
        LOG.warnf("%s", reason);
        try {
            end.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }
}

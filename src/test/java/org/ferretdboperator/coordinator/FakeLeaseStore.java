package org.ferretdboperator.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ferretdboperator.contract.LeaseAnnotations;
import org.ferretdboperator.coordinator.decision.LeaderRecord;
import org.ferretdboperator.coordinator.lease.LeaseConflictException;
import org.ferretdboperator.coordinator.lease.LeaseSnapshot;
import org.ferretdboperator.coordinator.lease.LeaseStore;

/**
 * An in-memory Lease with the API server's compare-and-swap on resourceVersion. A test can hold the next write inside
 * the store (as a slow API call would) until it lets it go, and can make every call fail (the API unreachable).
 */
final class FakeLeaseStore implements LeaseStore {

    /** One successful write: who wrote it (thread name), the holder and the record. */
    record Write(String thread, String holder, int transitions, LeaderRecord record) {
    }

    private LeaseSnapshot current;
    private long version;
    private final List<Write> writes = new ArrayList<>();
    private volatile boolean unreachable;
    private volatile CountDownLatch entered;
    private final java.util.concurrent.atomic.AtomicReference<CountDownLatch> proceed = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile CountDownLatch heldLatch = new CountDownLatch(0);

    @Override
    public synchronized Optional<LeaseSnapshot> read() {
        if (unreachable) {
            throw unreachableError();
        }
        return Optional.ofNullable(current);
    }

    @Override
    public LeaseSnapshot write(LeaseSnapshot expected, String holder, int transitions, Map<String, String> annotations)
            throws LeaseConflictException {
        CountDownLatch hold = proceed.getAndSet(null);
        if (hold != null) {
            entered.countDown();
            try {
                if (!hold.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("held write never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        synchronized (this) {
            if (unreachable) {
                throw unreachableError();
            }
            String expectedVersion = expected == null ? null : expected.resourceVersion();
            String currentVersion = current == null ? null : current.resourceVersion();
            if (!java.util.Objects.equals(expectedVersion, currentVersion)) {
                throw new LeaseConflictException("resourceVersion " + expectedVersion + " is now " + currentVersion);
            }
            // as KubernetesLeaseStore: annotations outside the coordinators' prefix (the operator's) are carried along
            Map<String, String> all = new java.util.HashMap<>(LeaseAnnotations.foreign(current == null ? null : current.annotations()));
            all.putAll(annotations);
            current = new LeaseSnapshot(holder, Long.toString(++version), transitions, all, null);
            writes.add(new Write(Thread.currentThread().getName(), holder, transitions, LeaseAnnotations.decode(annotations)));
            return current;
        }
    }

    /** A merge patch of annotations by someone else (the operator): null removes a key; the version moves. */
    synchronized void annotate(Map<String, String> patch) {
        Map<String, String> all = new java.util.HashMap<>(current.annotations());
        patch.forEach((k, v) -> {
            if (v == null) {
                all.remove(k);
            } else {
                all.put(k, v);
            }
        });
        current = new LeaseSnapshot(current.holder(), Long.toString(++version), current.transitions(), all, null);
    }

    /** What fabric8 throws when no API server answers. */
    private static RuntimeException unreachableError() {
        return new io.fabric8.kubernetes.client.KubernetesClientException("API server unreachable",
                new java.net.ConnectException("Connection refused"));
    }

    /** The next write waits inside the store until {@link #letHeldWriteFinish()}. */
    void holdNextWrite() {
        entered = new CountDownLatch(1);
        heldLatch = new CountDownLatch(1);
        proceed.set(heldLatch);
    }

    CountDownLatch heldWriteEntered() {
        return entered;
    }

    void letHeldWriteFinish() {
        heldLatch.countDown();
    }

    void unreachable(boolean value) {
        unreachable = value;
    }

    synchronized Optional<LeaseSnapshot> current() {
        return Optional.ofNullable(current);
    }

    synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    synchronized Write lastWrite() {
        return writes.get(writes.size() - 1);
    }
}

package org.ferretdboperator.harness;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every write a client saw acknowledged (the commit returned OK), with the member that acknowledged it and the window
 * in which the commit happened (sent .. acknowledged, on this JVM's monotonic clock). Writes whose outcome the client
 * never learned (error, timeout) are not here: they may or may not have committed, and no check counts them.
 */
public final class AckLog {

    /** One acknowledged write. */
    public record Ack(String source, String member, long id, long sentNanos, long ackedNanos) {
    }

    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final java.util.function.LongSupplier ids;

    /** @param ids unique ids across every run on one cluster (writer and probes share the table) */
    public AckLog(java.util.function.LongSupplier ids) {
        this.ids = ids;
    }

    public long nextId() {
        return ids.getAsLong();
    }

    public void record(Ack ack) {
        acks.add(ack);
    }

    public List<Ack> all() {
        List<Ack> list = new ArrayList<>(acks);
        list.sort(Comparator.comparingLong(Ack::ackedNanos));
        return list;
    }

    public List<Ack> from(String source) {
        return all().stream().filter(a -> a.source().equals(source)).toList();
    }

    /** The last acknowledgement that completed before {@code nanos}. */
    Optional<Ack> lastBefore(String source, long nanos) {
        Ack last = null;
        for (Ack a : from(source)) {
            if (a.ackedNanos() < nanos) {
                last = a;
            }
        }
        return Optional.ofNullable(last);
    }

    /** The first acknowledgement sent after {@code nanos}, optionally only from members other than {@code excluded}. */
    Optional<Ack> firstAfter(String source, long nanos, java.util.Set<String> excluded) {
        return from(source).stream()
                .filter(a -> a.sentNanos() >= nanos && !excluded.contains(a.member()))
                .findFirst();
    }
}

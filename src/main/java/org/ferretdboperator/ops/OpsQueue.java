package org.ferretdboperator.ops;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.ferretdboperator.api.ops.OpsRequestPhase;

/**
 * One request at a time per database: a request that is already Progressing goes on; otherwise the oldest unfinished
 * one (by creation time, then name) goes first and the others wait, Pending.
 */
final class OpsQueue {

    /** One request on the same database, as listed. */
    record Entry(String name, String creationTimestamp, OpsRequestPhase phase) {
    }

    private OpsQueue() {
    }

    /** The request {@code self} waits for, or empty when it may run. */
    static Optional<Entry> blocker(String self, List<Entry> sameDatabase) {
        List<Entry> unfinished = sameDatabase.stream().filter(e -> e.phase() == null || !e.phase().finished()).toList();
        Optional<Entry> running = unfinished.stream()
                .filter(e -> e.phase() == OpsRequestPhase.PROGRESSING && !e.name().equals(self)).findFirst();
        if (running.isPresent()) {
            return running;
        }
        boolean selfRunning = unfinished.stream().anyMatch(e -> e.name().equals(self) && e.phase() == OpsRequestPhase.PROGRESSING);
        if (selfRunning) {
            return Optional.empty();
        }
        // ISO-8601 timestamps in UTC sort as strings
        return unfinished.stream()
                .min(Comparator.comparing((Entry e) -> e.creationTimestamp() == null ? "" : e.creationTimestamp())
                        .thenComparing(Entry::name))
                .filter(first -> !first.name().equals(self));
    }
}

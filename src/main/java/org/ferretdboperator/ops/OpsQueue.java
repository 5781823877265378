package org.ferretdboperator.ops;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import io.fabric8.kubernetes.client.CustomResource;
import org.ferretdboperator.api.ops.OpsRequestPhase;
import org.ferretdboperator.api.ops.OpsRequestSpecBase;
import org.ferretdboperator.api.ops.OpsRequestStatus;

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

    /** Whether a listed request's spec names {@code database}. */
    static boolean sameDatabase(OpsRequestSpecBase spec, String database) {
        return spec != null && spec.getDatabaseRef() != null && database.equals(spec.getDatabaseRef().getName());
    }

    /** The entries of listed requests of either kind. */
    static List<Entry> entries(Stream<? extends CustomResource<? extends OpsRequestSpecBase, OpsRequestStatus>> requests) {
        return requests.map(r -> new Entry(r.getMetadata().getName(), r.getMetadata().getCreationTimestamp(),
                r.getStatus() == null ? null : r.getStatus().getPhase())).toList();
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

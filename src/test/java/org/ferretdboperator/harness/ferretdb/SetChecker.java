package org.ferretdboperator.harness.ferretdb;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bson.Document;

/**
 * A Jepsen-style set check: after the run, every id in the collection is read back and compared with what the client
 * was told. An acknowledged id that is missing is a lost write; an id nobody ever tried to insert is unexpected; an id
 * that was attempted but never acknowledged may be present or not (its outcome was unknown to the client).
 */
public final class SetChecker {

    /** What the read-back found. */
    public record Result(int acknowledged, int present, Set<Long> lost, Set<Long> unexpected, int recovered) {

        public boolean ok() {
            return lost.isEmpty() && unexpected.isEmpty();
        }

        /** Up to ten ids of a set, for messages. */
        public static String sample(Set<Long> ids) {
            return ids.stream().limit(10).toList() + (ids.size() > 10 ? " and " + (ids.size() - 10) + " more" : "");
        }
    }

    private SetChecker() {
    }

    /** Reads every {@code _id} of the collection (a full scan through the server the collection belongs to). */
    public static Set<Long> readIds(MongoCollection<Document> collection) {
        Set<Long> ids = new HashSet<>();
        for (Document d : collection.find().projection(Projections.include("_id")).batchSize(10_000)) {
            Object id = d.get("_id");
            if (!(id instanceof Number n)) {
                throw new IllegalStateException("unexpected _id " + id + " (" + (id == null ? "null" : id.getClass()) + ")");
            }
            ids.add(n.longValue());
        }
        return ids;
    }

    public static Result compare(Set<Long> attempted, List<Long> acknowledged, Set<Long> present) {
        Set<Long> lost = new TreeSet<>();
        for (Long id : acknowledged) {
            if (!present.contains(id)) {
                lost.add(id);
            }
        }
        Set<Long> unexpected = new TreeSet<>();
        for (Long id : present) {
            if (!attempted.contains(id)) {
                unexpected.add(id);
            }
        }
        Set<Long> acked = new HashSet<>(acknowledged);
        int recovered = (int) present.stream().filter(id -> attempted.contains(id) && !acked.contains(id)).count();
        return new Result(acked.size(), present.size(), lost, unexpected, recovered);
    }
}

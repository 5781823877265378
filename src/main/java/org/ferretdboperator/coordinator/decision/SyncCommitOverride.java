package org.ferretdboperator.coordinator.decision;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A stored default of {@code synchronous_commit} for a database and/or a role ({@code ALTER ROLE|DATABASE ... SET},
 * a row of pg_db_role_setting). Any role may set it for itself and a database owner for its database, so an
 * application role can silently end "no acknowledged write lost" in Synchronous mode.
 *
 * @param database the database it applies in, null for every database
 * @param role     the role it applies to, null for every role
 * @param value    the stored value
 */
public record SyncCommitOverride(String database, String role, String value) implements Comparable<SyncCommitOverride> {

    /**
     * Values that still wait for the synchronous standbys to flush (or apply) a commit before acknowledging it: the
     * server's own setting ({@code on}) and its spellings, and {@code remote_apply}. PostgreSQL matches these names
     * case-insensitively and accepts nothing else but the weaker {@code remote_write}, {@code local} and {@code off}.
     */
    private static final Set<String> KEEPS_SYNCHRONOUS_DURABILITY = Set.of("on", "true", "yes", "1", "remote_apply");

    /** Whether a session under this default could have a commit acknowledged before a synchronous standby holds it. */
    public boolean weakens() {
        return value == null || !KEEPS_SYNCHRONOUS_DURABILITY.contains(value.strip().toLowerCase(Locale.ROOT));
    }

    /** The overrides to revert: in Synchronous mode every weakening one, in Asynchronous mode none (acks are local). */
    public static Set<SyncCommitOverride> toRevert(boolean synchronous, Set<SyncCommitOverride> found) {
        if (!synchronous) {
            return Set.of();
        }
        return found.stream().filter(SyncCommitOverride::weakens).collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public int compareTo(SyncCommitOverride other) {
        return toString().compareTo(other.toString());
    }

    @Override
    public String toString() {
        return "synchronous_commit=" + value + " for " + (role == null ? "every role" : "role " + role) + " in "
                + (database == null ? "every database" : "database " + database);
    }
}

package org.ferretdboperator.coordinator.decision;

import java.util.Set;

/** One step the coordinator takes; a {@link Decision} is an ordered list of them, executed until the first failure. */
public sealed interface Action {

    /** Short name for logs and the decisions metric. */
    default String kind() {
        return getClass().getSimpleName();
    }

    /** initdb into an empty PGDATA (bootstrap member only). */
    record InitDb() implements Action {
    }

    /** pg_basebackup from the leader into an empty PGDATA, then start as its standby. */
    record CloneFrom(String leader, String address) implements Action {
    }

    /** Start as a standby of {@code leader} at {@code address}; both null: start read-only without an upstream. */
    record StartStandby(String leader, String address) implements Action {
    }

    /** Start as primary (this member holds the Lease and its data is the cluster's newest). */
    record StartPrimary() implements Action {
    }

    /** Compare-and-swap the Lease to this member with {@code term} as leaseTransitions. */
    record AcquireLease(int term, LeaderRecord record) implements Action {
    }

    /** Compare-and-swap renew as holder, writing the leader record. */
    record RenewLease(LeaderRecord record) implements Action {
    }

    /**
     * Leave the Lease: to {@code handoverTo} (graceful stop; its final LSN is read from pg_control when written), or
     * vacant when null.
     */
    record ReleaseLease(String handoverTo) implements Action {
    }

    /** pg_promote() via JDBC. */
    record Promote() implements Action {
    }

    /** Stop accepting writes at once: immediate shutdown of the postmaster (SIGQUIT), cutting every session. */
    record Fence(String reason) implements Action {
    }

    /** Fast shutdown: sessions are cut, walsenders ship all WAL to connected standbys before exit. */
    record StopFast() implements Action {
    }

    /** pg_rewind against the leader, then start as its standby (re-clone next if it fails). */
    record Rewind(String leader, String address) implements Action {
    }

    /** Move PGDATA aside, pg_basebackup from the leader, start as its standby, then drop the old directory. */
    record Reclone(String leader, String address) implements Action {
    }

    /** Point primary_conninfo at the leader and reload (PostgreSQL 13+ needs no restart). */
    record Repoint(String leader, String address) implements Action {
    }

    /**
     * Point a standby that does not accept connections yet at the leader: primary_conninfo written to
     * postgresql.auto.conf, then a reload signal (the startup process re-reads it and starts a WAL receiver). A standby
     * short of a consistent state, started while no leader was live, needs the leader's WAL to get there.
     */
    record RepointStarting(String leader, String address) implements Action {
    }

    /** Empty primary_conninfo and reload: stops a WAL receiver still streaming from a leader whose Lease lapsed. */
    record Detach() implements Action {
    }

    /** synchronous_standby_names = ANY quorum (names), reload. */
    record SetSynchronousStandbys(SyncSetting setting) implements Action {
    }

    /** Physical replication slots: create and drop. */
    record EnsureSlots(Set<String> create, Set<String> drop) implements Action {
        public EnsureSlots {
            create = Set.copyOf(create);
            drop = Set.copyOf(drop);
        }
    }

    /**
     * Revert stored synchronous_commit defaults that weaken Synchronous mode ({@code ALTER ROLE|DATABASE ... RESET}),
     * and end the sessions they applied to so they reconnect with the server's setting.
     */
    record ResetSynchronousCommit(Set<SyncCommitOverride> overrides) implements Action {
        public ResetSynchronousCommit {
            overrides = Set.copyOf(overrides);
        }
    }

    /** Create or update the application login roles and their databases. */
    record EnsureAppUsers(int term) implements Action {
    }

    /** Patch this pod's kubedb.com/role label (NONE removes it). */
    record PublishRole(Role role) implements Action {
    }

    /** Do nothing this tick, and say why. */
    record Wait(String reason) implements Action {
    }
}

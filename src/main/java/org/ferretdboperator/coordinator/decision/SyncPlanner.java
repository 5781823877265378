package org.ferretdboperator.coordinator.decision;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps {@code synchronous_standby_names = ANY 1 (...)} over the standbys that stream from the leader, and the
 * recorded set R in the Lease a superset of it at every moment: R is widened (in the Lease) before PostgreSQL's set
 * grows, and narrowed only after PostgreSQL's set has shrunk. Strict: the set is never emptied while other members
 * exist, so commits block instead of going unprotected. Pure.
 */
final class SyncPlanner {

    /** @param recordMembers R to write with this renew; @param recordQuorum its k; @param change PostgreSQL's new setting, if any */
    record Plan(Set<String> recordMembers, int recordQuorum, Optional<SyncSetting> change) {
    }

    private SyncPlanner() {
    }

    static Set<String> others(Observation o) {
        Set<String> others = new TreeSet<>(o.config().members());
        others.remove(o.self());
        return others;
    }

    static Plan plan(Observation o) {
        Set<String> others = others(o);
        LocalInstance local = o.local();
        SyncSetting current = local.syncSetting();
        if (!o.config().synchronous()) {
            Set<String> streaming = new TreeSet<>(local.streamingStandbys());
            streaming.retainAll(others);
            return new Plan(streaming, 0, current.isEmpty() ? Optional.empty() : Optional.of(SyncSetting.NONE));
        }
        SyncSetting desired = desired(o, others);
        Set<String> recorded = o.lease().record().syncMembers();
        Set<String> enforced = current == SyncSetting.UNMANAGED ? others : current.names();
        Set<String> needed = new TreeSet<>(enforced);
        needed.addAll(desired.names());
        if (!recorded.containsAll(needed)) {
            Set<String> widened = new HashSet<>(recorded);
            widened.addAll(needed);
            return new Plan(widened, widened.isEmpty() ? 0 : 1, Optional.empty());
        }
        if (!current.equals(desired)) {
            return new Plan(recorded, recorded.isEmpty() ? 0 : 1, Optional.of(desired));
        }
        return new Plan(desired.names(), desired.quorum(), Optional.empty());
    }

    /** The standbys streaming now; when none, keep the current set (or all other members): never unprotected. */
    static SyncSetting desired(Observation o, Set<String> others) {
        if (others.isEmpty()) {
            return SyncSetting.NONE;
        }
        Set<String> streaming = new TreeSet<>(o.local().streamingStandbys());
        streaming.retainAll(others);
        if (!streaming.isEmpty()) {
            return new SyncSetting(1, streaming);
        }
        SyncSetting current = o.local().syncSetting();
        if (current != SyncSetting.UNMANAGED && !current.isEmpty() && others.containsAll(current.names())) {
            return current;
        }
        return new SyncSetting(1, others);
    }

    /** The setting a new leader enforces before pg_promote(): every other member, so no commit is unprotected. */
    static SyncSetting atPromotion(Observation o) {
        Set<String> others = others(o);
        if (!o.config().synchronous() || others.isEmpty()) {
            return SyncSetting.NONE;
        }
        return new SyncSetting(1, others);
    }
}

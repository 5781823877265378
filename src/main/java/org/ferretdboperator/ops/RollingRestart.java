package org.ferretdboperator.ops;

import java.util.List;
import java.util.Optional;
import org.ferretdboperator.support.Labels;

/**
 * The operator's judgement of a rolling restart, a pure function of the pods it observed. A pod counts as restarted
 * once it was created after the request (the API server's clock on both sides). One pod at a time, each back Ready
 * (for a backend member: Ready and labelled with a role, so a standby is streaming again) before the next.
 *
 * <p>Backend: the standbys first, lowest ordinal first; then the primary hands over in a planned switchover, and is
 * restarted as the standby it has become. FerretDB servers: in order, one at a time.
 */
final class RollingRestart {

    /** One pod as observed; {@code created} is its metadata.creationTimestamp, {@code role} its kubedb.com/role label. */
    record PodView(String name, String created, boolean ready, String role, boolean deleting) {
    }

    sealed interface Next {
    }

    record Evict(String pod) implements Next {
    }

    /** Only the primary is left: ask it to hand over first. */
    record HandOver(String primary) implements Next {
    }

    record Wait(String why) implements Next {
    }

    record Done(String message) implements Next {
    }

    private RollingRestart() {
    }

    /** @param members the members' pod names in ordinal order; {@code pods} holds those that exist */
    static Next backend(String requestCreated, List<String> members, List<PodView> pods) {
        Optional<String> unsettled = unsettled(members, pods, true);
        if (unsettled.isPresent()) {
            return new Wait(unsettled.get());
        }
        List<PodView> pending = members.stream().map(m -> find(pods, m).orElseThrow())
                .filter(p -> before(p.created(), requestCreated)).toList();
        if (pending.isEmpty()) {
            return new Done("restarted " + String.join(", ", members) + " one at a time, the primary last after a switchover");
        }
        Optional<PodView> standby = pending.stream().filter(p -> !Labels.ROLE_PRIMARY.equals(p.role())).findFirst();
        if (standby.isPresent()) {
            return new Evict(standby.get().name());
        }
        return new HandOver(pending.get(0).name());
    }

    static Next servers(String requestCreated, List<String> servers, List<PodView> pods) {
        Optional<String> unsettled = unsettled(servers, pods, false);
        if (unsettled.isPresent()) {
            return new Wait(unsettled.get());
        }
        return servers.stream().map(s -> find(pods, s).orElseThrow())
                .filter(p -> before(p.created(), requestCreated)).findFirst()
                .<Next>map(p -> new Evict(p.name()))
                .orElseGet(() -> new Done("restarted " + String.join(", ", servers) + " one at a time"));
    }

    private static Optional<String> unsettled(List<String> names, List<PodView> pods, boolean needsRole) {
        for (String name : names) {
            Optional<PodView> pod = find(pods, name);
            if (pod.isEmpty() || pod.get().deleting()) {
                return Optional.of("waiting for " + name + " to be recreated");
            }
            if (!pod.get().ready()) {
                return Optional.of("waiting for " + name + " to be Ready");
            }
            if (needsRole && !Labels.ROLE_PRIMARY.equals(pod.get().role()) && !Labels.ROLE_SECONDARY.equals(pod.get().role())) {
                return Optional.of("waiting for " + name + " to take its role");
            }
        }
        return Optional.empty();
    }

    private static Optional<PodView> find(List<PodView> pods, String name) {
        return pods.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** RFC 3339 timestamps of the API server in UTC sort as strings. */
    private static boolean before(String created, String requestCreated) {
        return created != null && requestCreated != null && created.compareTo(requestCreated) < 0;
    }
}

package org.ferretdboperator.coordinator.lease;

import org.ferretdboperator.contract.LeaseAnnotations;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The Lease through fabric8: a PUT carrying the read resourceVersion (the API server rejects it with 409 when the Lease
 * changed), or a create when there is none. A 409 can also answer a request the client retried after it had already
 * been applied, so a 409 is re-read and counted as success when the Lease carries this write's unique id (as Patroni
 * does with its annotations). A 409 caused by an earlier write of this store that failed without an answer yet was
 * applied (same holder, same term) is built on: this write is sent again on top of it. So is a 409 caused only by
 * annotations outside the coordinators' prefix (the operator's requests, written by a merge patch).
 */
public final class KubernetesLeaseStore implements LeaseStore {

    private static final Logger LOG = Logger.getLogger(KubernetesLeaseStore.class);
    private static final int MAX_ATTEMPTS = 3;
    private static final int MAX_UNANSWERED = 64;

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final long leaseDurationMillis;
    /**
     * Ids of this store's writes that failed without an answer (the API server may have applied them all the same),
     * oldest first; guarded by itself.
     */
    private final Set<String> unansweredWrites = new LinkedHashSet<>();

    public KubernetesLeaseStore(KubernetesClient client, String namespace, String name, long leaseDurationMillis) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.leaseDurationMillis = leaseDurationMillis;
    }

    @Override
    public Optional<LeaseSnapshot> read() {
        Lease lease = client.leases().inNamespace(namespace).withName(name).get();
        return Optional.ofNullable(lease).map(LeaseSnapshot::of);
    }

    @Override
    public LeaseSnapshot write(LeaseSnapshot expected, String holder, int transitions, Map<String, String> annotations)
            throws LeaseConflictException {
        LeaseSnapshot base = expected;
        for (int attempt = 1; ; attempt++) {
            String writeId = UUID.randomUUID().toString();
            Lease lease = lease(base, holder, transitions, annotations, writeId);
            try {
                Lease written = base == null ? client.resource(lease).create() : client.resource(lease).update();
                forgetUnanswered();
                return LeaseSnapshot.of(written);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    if (mayHaveBeenApplied(e)) {
                        rememberUnanswered(writeId);
                    }
                    throw e;
                }
                Optional<LeaseSnapshot> now;
                try {
                    now = read();
                } catch (KubernetesClientException unread) {
                    // the API server answered 409: another write came first, even if it cannot be read back now
                    throw new LeaseConflictException("Lease " + namespace + "/" + name + " changed since resourceVersion "
                            + (base == null ? "(absent)" : base.resourceVersion()) + "; re-reading it failed: "
                            + unread.getMessage());
                }
                if (now.isPresent() && writeId.equals(now.get().annotations().get(LeaseAnnotations.WRITE_ID))) {
                    forgetUnanswered();
                    return now.get();
                }
                if (attempt < MAX_ATTEMPTS && now.isPresent() && ownLateWrite(now.get(), holder, transitions)) {
                    // an earlier write of this store that got no answer was applied after all (seen right after an API
                    // outage): the Lease moved by this member's own hand, to the same holder and term, so this write
                    // goes on top of it instead of being taken for another writer's win
                    LOG.infof("Lease %s/%s: an earlier write of this member that got no answer was applied (resourceVersion %s); "
                            + "writing again on top of it", namespace, name, now.get().resourceVersion());
                    base = now.get();
                    continue;
                }
                if (attempt < MAX_ATTEMPTS && base != null && now.isPresent() && onlyForeignAnnotationsChanged(base, now.get())) {
                    // the operator wrote its request (member count, switchover) with a merge patch: no coordinator
                    // wrote since this write's base, so its precondition still holds; it goes on top, keeping them
                    LOG.debugf("Lease %s/%s: only annotations outside the coordinators' changed since resourceVersion %s; "
                            + "writing again on top of %s", namespace, name, base.resourceVersion(), now.get().resourceVersion());
                    base = now.get();
                    continue;
                }
                throw new LeaseConflictException("Lease " + namespace + "/" + name + " changed since resourceVersion "
                        + (base == null ? "(absent)" : base.resourceVersion()) + "; now held by "
                        + now.map(LeaseSnapshot::holder).orElse("(deleted)"));
            }
        }
    }

    /**
     * Between {@code base} and {@code now} nobody changed the Lease but its annotations outside the coordinators'
     * prefix: the same holder, term, times and coordinator annotations (each coordinator write carries a new write id,
     * so an unchanged one means no coordinator wrote). Before this, an OpsRequest's annotation landing between a
     * primary's read and its renewal made the renewal a lost race: the primary fenced itself and a healthy cluster
     * failed over.
     */
    static boolean onlyForeignAnnotationsChanged(LeaseSnapshot base, LeaseSnapshot now) {
        return base.holder().equals(now.holder()) && base.transitions() == now.transitions()
                && base.raw() != null && now.raw() != null && Objects.equals(base.raw().getSpec(), now.raw().getSpec())
                && LeaseAnnotations.coordinators(base.annotations()).equals(LeaseAnnotations.coordinators(now.annotations()));
    }

    /** The newest few are enough: writes sent during one outage share its precondition, so at most one applies. */
    private void rememberUnanswered(String writeId) {
        synchronized (unansweredWrites) {
            unansweredWrites.add(writeId);
            if (unansweredWrites.size() > MAX_UNANSWERED) {
                unansweredWrites.remove(unansweredWrites.iterator().next());
            }
        }
    }

    /** An answered write moved the Lease on: no earlier one can still be applied over it. */
    private void forgetUnanswered() {
        synchronized (unansweredWrites) {
            unansweredWrites.clear();
        }
    }

    private boolean ownLateWrite(LeaseSnapshot now, String holder, int transitions) {
        String id = now.annotations().get(LeaseAnnotations.WRITE_ID);
        boolean unanswered;
        synchronized (unansweredWrites) {
            unanswered = id != null && unansweredWrites.contains(id);
        }
        return unanswered && holder != null && holder.equals(now.holder())
                && transitions == now.transitions();
    }

    /**
     * No HTTP status (connection lost: code 0; the client's request timeout: -1) or a server error: the request may
     * have reached etcd. A 4xx other than 409, including 429, was refused before anything was written.
     */
    private static boolean mayHaveBeenApplied(KubernetesClientException e) {
        return e.getCode() <= 0 || e.getCode() >= 500;
    }

    private Lease lease(LeaseSnapshot expected, String holder, int transitions, Map<String, String> annotations,
            String writeId) {
        Map<String, String> all = new HashMap<>(LeaseAnnotations.foreign(expected == null ? null : expected.annotations()));
        all.putAll(annotations);
        all.put(LeaseAnnotations.WRITE_ID, writeId);
        all.put(LeaseAnnotations.LEASE_DURATION_MS, Long.toString(leaseDurationMillis));
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        boolean newHolder = expected == null || !expected.holder().equals(holder);
        LeaseBuilder builder = expected == null ? new LeaseBuilder() : new LeaseBuilder(expected.raw());
        Lease lease = builder
                .editOrNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .withResourceVersion(expected == null ? null : expected.resourceVersion())
                    .withAnnotations(all)
                .endMetadata()
                .editOrNewSpec()
                    .withHolderIdentity(holder == null || holder.isEmpty() ? null : holder)
                    .withLeaseTransitions(transitions)
                    .withLeaseDurationSeconds((int) Math.max(1, (leaseDurationMillis + 999) / 1000))
                    .withRenewTime(now)
                .endSpec()
                .build();
        if (newHolder) {
            lease.getSpec().setAcquireTime(now);
        }
        return lease;
    }
}

package org.ferretdboperator.coordinator.lease;

import org.ferretdboperator.contract.LeaseAnnotations;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The Lease through fabric8: a PUT carrying the read resourceVersion (the API server rejects it with 409 when the Lease
 * changed), or a create when there is none. A 409 can also answer a request the client retried after it had already
 * been applied, so a 409 is re-read and counted as success when the Lease carries this write's unique id (as Patroni
 * does with its annotations).
 */
public final class KubernetesLeaseStore implements LeaseStore {

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final long leaseDurationMillis;

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
        String writeId = UUID.randomUUID().toString();
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
        try {
            Lease written = expected == null ? client.resource(lease).create() : client.resource(lease).update();
            return LeaseSnapshot.of(written);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            Optional<LeaseSnapshot> now2;
            try {
                now2 = read();
            } catch (KubernetesClientException unread) {
                // the API server answered 409: another write came first, even if it cannot be read back now
                throw new LeaseConflictException("Lease " + namespace + "/" + name + " changed since resourceVersion "
                        + (expected == null ? "(absent)" : expected.resourceVersion()) + "; re-reading it failed: "
                        + unread.getMessage());
            }
            if (now2.isPresent() && writeId.equals(now2.get().annotations().get(LeaseAnnotations.WRITE_ID))) {
                return now2.get();
            }
            throw new LeaseConflictException("Lease " + namespace + "/" + name + " changed since resourceVersion "
                    + (expected == null ? "(absent)" : expected.resourceVersion()) + "; now held by "
                    + now2.map(LeaseSnapshot::holder).orElse("(deleted)"));
        }
    }
}

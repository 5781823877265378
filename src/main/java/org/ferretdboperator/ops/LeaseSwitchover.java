package org.ferretdboperator.ops;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.contract.SwitchoverRequest;
import org.ferretdboperator.support.Names;

/**
 * The operator's side of a planned switchover: writes a {@link SwitchoverRequest} on the backend's Lease for the
 * current holder, reads whether the holder has handed over, and removes the request. The coordinators carry it out
 * ({@code coordinator/decision/PlannedSwitchover}); the operator never touches PostgreSQL itself.
 */
public final class LeaseSwitchover {

    /** What the Lease says about a request. */
    public enum Progress {
        /** The addressed holder still holds the Lease in the request's term. */
        WAITING,
        /** The Lease moved to another member in a later term. */
        HANDED_OVER,
        /** The Lease has no holder or no request of this uid any more. */
        GONE
    }

    private final KubernetesClient client;

    public LeaseSwitchover(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Addresses a request to the Lease's current holder. Empty when the Lease has no holder (nobody to hand over).
     *
     * @param target the member to hand over to, or null for the coordinator's choice
     */
    public Optional<SwitchoverRequest> request(String namespace, String postgres, String uid, String target) {
        Lease lease = lease(namespace, postgres);
        if (lease == null || lease.getSpec() == null || blank(lease.getSpec().getHolderIdentity())) {
            return Optional.empty();
        }
        Integer transitions = lease.getSpec().getLeaseTransitions();
        SwitchoverRequest request = new SwitchoverRequest(uid, lease.getSpec().getHolderIdentity(),
                transitions == null ? 0 : transitions, target);
        Map<String, String> annotations = new java.util.HashMap<>(SwitchoverRequest.removal());
        annotations.putAll(request.encode());
        patchAnnotations(namespace, postgres, annotations);
        return Optional.of(request);
    }

    /**
     * One reading of the backend's Lease. A reconcile judges the holder, the term and the request from the same
     * reading: read one after another, a handover between two reads made the operator see the Lease "handed over"
     * and still held by the old holder, and fail a switchover that had succeeded.
     *
     * @param exists      the Lease exists
     * @param holder      its holder, empty when vacant or absent
     * @param transitions its leaseTransitions (the term)
     * @param onLease     the switchover request on it, whoever wrote it
     */
    public record Reading(boolean exists, Optional<String> holder, int transitions, Optional<SwitchoverRequest> onLease) {

        static Reading of(Lease lease) {
            if (lease == null || lease.getSpec() == null) {
                return new Reading(lease != null, Optional.empty(), 0,
                        lease == null ? Optional.empty() : SwitchoverRequest.decode(lease.getMetadata().getAnnotations()));
            }
            String holder = lease.getSpec().getHolderIdentity();
            Integer transitions = lease.getSpec().getLeaseTransitions();
            return new Reading(true, blank(holder) ? Optional.empty() : Optional.of(holder),
                    transitions == null ? 0 : transitions, SwitchoverRequest.decode(lease.getMetadata().getAnnotations()));
        }

        /** Where {@code request} stands in this reading. */
        public Progress progress(SwitchoverRequest request) {
            if (!exists) {
                return Progress.GONE;
            }
            if (holder.isPresent() && !holder.get().equals(request.from()) && transitions > request.term()) {
                return Progress.HANDED_OVER;
            }
            boolean ours = onLease.map(r -> r.uid().equals(request.uid())).orElse(false);
            return ours && holder.filter(request.from()::equals).isPresent() && transitions == request.term()
                    ? Progress.WAITING : Progress.GONE;
        }

        /** The request of {@code uid} on the Lease, if it is there. */
        public Optional<SwitchoverRequest> own(String uid) {
            return onLease.filter(r -> r.uid().equals(uid));
        }
    }

    /** Reads the backend's Lease once. */
    public Reading read(String namespace, String postgres) {
        return Reading.of(lease(namespace, postgres));
    }

    /** The request on the Lease, whoever wrote it (one fact: a judgement of several takes one {@link #read}). */
    public Optional<SwitchoverRequest> onLease(String namespace, String postgres) {
        return read(namespace, postgres).onLease();
    }

    /** The current holder, empty when the Lease is vacant or absent (one fact, as above). */
    public Optional<String> holder(String namespace, String postgres) {
        return read(namespace, postgres).holder();
    }

    /** Where {@code request} stands now (one fact, as above). */
    public Progress progress(String namespace, String postgres, SwitchoverRequest request) {
        return read(namespace, postgres).progress(request);
    }

    /** Removes the request of {@code uid} from the Lease, leaving another request alone. */
    public void clearIfOwn(String namespace, String postgres, String uid) {
        if (onLease(namespace, postgres).map(r -> r.uid().equals(uid)).orElse(false)) {
            patchAnnotations(namespace, postgres, SwitchoverRequest.removal());
        }
    }

    /** Removes any request from the Lease (a finished or abandoned step must not move the primary later). */
    public void clear(String namespace, String postgres) {
        Lease lease = lease(namespace, postgres);
        if (lease != null && SwitchoverRequest.decode(lease.getMetadata().getAnnotations()).isPresent()) {
            patchAnnotations(namespace, postgres, SwitchoverRequest.removal());
        }
    }

    private Lease lease(String namespace, String postgres) {
        return lease(client, namespace, postgres);
    }

    static Lease lease(KubernetesClient client, String namespace, String postgres) {
        return client.leases().inNamespace(namespace).withName(Names.lease(postgres)).get();
    }

    private void patchAnnotations(String namespace, String postgres, Map<String, String> annotations) {
        patchAnnotations(client, namespace, postgres, annotations);
    }

    /** A JSON merge patch of the backend Lease's annotations: touches only these keys; a null value removes one. */
    static void patchAnnotations(KubernetesClient client, String namespace, String postgres, Map<String, String> annotations) {
        String patch = Serialization.asJson(Map.of("metadata", Map.of("annotations", annotations)));
        client.leases().inNamespace(namespace).withName(Names.lease(postgres))
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

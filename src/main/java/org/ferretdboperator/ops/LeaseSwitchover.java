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

    public Progress progress(String namespace, String postgres, SwitchoverRequest request) {
        Lease lease = lease(namespace, postgres);
        if (lease == null || lease.getSpec() == null) {
            return Progress.GONE;
        }
        String holder = lease.getSpec().getHolderIdentity();
        int transitions = lease.getSpec().getLeaseTransitions() == null ? 0 : lease.getSpec().getLeaseTransitions();
        if (!blank(holder) && !holder.equals(request.from()) && transitions > request.term()) {
            return Progress.HANDED_OVER;
        }
        Optional<SwitchoverRequest> onLease = SwitchoverRequest.decode(lease.getMetadata().getAnnotations());
        boolean ours = onLease.map(r -> r.uid().equals(request.uid())).orElse(false);
        return ours && request.from().equals(holder) && transitions == request.term() ? Progress.WAITING : Progress.GONE;
    }

    /** The current holder, empty when the Lease is vacant or absent. */
    public Optional<String> holder(String namespace, String postgres) {
        Lease lease = lease(namespace, postgres);
        return lease == null || lease.getSpec() == null || blank(lease.getSpec().getHolderIdentity()) ? Optional.empty()
                : Optional.of(lease.getSpec().getHolderIdentity());
    }

    /** The request on the Lease, whoever wrote it. */
    public Optional<SwitchoverRequest> onLease(String namespace, String postgres) {
        Lease lease = lease(namespace, postgres);
        return lease == null ? Optional.empty() : SwitchoverRequest.decode(lease.getMetadata().getAnnotations());
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

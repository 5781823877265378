package org.ferretdboperator.ops;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import org.ferretdboperator.contract.MemberCount;

/**
 * The operator's side of {@link MemberCount}: announces a HorizontalScaling's member count on the backend's Lease,
 * reads it, and withdraws its own. The coordinators read it on their next Lease read.
 */
public final class LeaseMemberCount {

    private final KubernetesClient client;

    public LeaseMemberCount(KubernetesClient client) {
        this.client = client;
    }

    public void announce(String namespace, String postgres, MemberCount count) {
        LeaseSwitchover.patchAnnotations(client, namespace, postgres, count.encode());
    }

    public Optional<MemberCount> onLease(String namespace, String postgres) {
        Lease lease = LeaseSwitchover.lease(client, namespace, postgres);
        return lease == null ? Optional.empty() : MemberCount.decode(lease.getMetadata().getAnnotations());
    }

    /** Removes the announcement of {@code uid}, leaving another request's alone. */
    public void withdrawIfOwn(String namespace, String postgres, String uid) {
        if (onLease(namespace, postgres).map(c -> c.uid().equals(uid)).orElse(false)) {
            LeaseSwitchover.patchAnnotations(client, namespace, postgres, MemberCount.removal());
        }
    }
}

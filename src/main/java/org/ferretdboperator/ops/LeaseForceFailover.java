package org.ferretdboperator.ops;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.contract.ForceFailoverRequest;
import org.ferretdboperator.contract.MemberStateCodec;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.support.Names;

/**
 * The operator's side of a forced failover on the API: reads the Lease and the members' published states, writes a
 * {@link ForceFailoverRequest} on the Lease, and removes it. {@link ForceFailoverStep} judges; the coordinators act.
 */
public final class LeaseForceFailover {

    private final KubernetesClient client;

    public LeaseForceFailover(KubernetesClient client) {
        this.client = client;
    }

    public Lease lease(String namespace, String postgres) {
        return client.leases().inNamespace(namespace).withName(Names.lease(postgres)).get();
    }

    /** Each member's state as its coordinator published it on its pod; members without a pod or a state are absent. */
    public Map<String, MemberState> memberStates(String namespace, List<String> members) {
        Map<String, MemberState> states = new LinkedHashMap<>();
        for (String member : members) {
            Pod pod = client.pods().inNamespace(namespace).withName(member).get();
            if (pod != null && pod.getMetadata().getAnnotations() != null) {
                MemberStateCodec.decode(pod.getMetadata().getAnnotations().get(PodContract.MEMBER_STATE_ANNOTATION))
                        .ifPresent(s -> states.put(member, s));
            }
        }
        return states;
    }

    /**
     * Writes the request admitted on the Lease version {@code request.resourceVersion()}: the patch carries that
     * resourceVersion, so the API server refuses it (409) if the Lease changed since it was judged blocked.
     */
    public ForceFailoverRequest request(String namespace, String postgres, String uid, ForceFailoverStep.Request request,
            Instant now) {
        ForceFailoverRequest written = new ForceFailoverRequest(uid, request.term(), request.candidates(), now);
        Map<String, String> annotations = new HashMap<>(ForceFailoverRequest.removal());
        annotations.putAll(written.encode());
        Map<String, Object> metadata = new HashMap<>();
        metadata.put("annotations", annotations);
        metadata.put("resourceVersion", request.resourceVersion());
        patch(namespace, postgres, metadata);
        return written;
    }

    /** Removes the request of {@code uid} from the Lease, leaving another one alone. */
    public void clearIfOwn(String namespace, String postgres, String uid) {
        Lease lease = lease(namespace, postgres);
        boolean ours = lease != null && ForceFailoverRequest.decode(lease.getMetadata().getAnnotations())
                .map(r -> r.uid().equals(uid)).orElse(false);
        if (ours) {
            patch(namespace, postgres, Map.of("annotations", ForceFailoverRequest.removal()));
        }
    }

    private void patch(String namespace, String postgres, Map<String, Object> metadata) {
        // a JSON merge patch touches only these keys; null removes one
        client.leases().inNamespace(namespace).withName(Names.lease(postgres))
                .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata", metadata)));
    }
}

package org.ferretdboperator.coordinator.member;

import org.ferretdboperator.contract.MemberStateCodec;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.coordinator.decision.MemberState;
import org.ferretdboperator.coordinator.decision.Role;
import org.ferretdboperator.coordinator.decision.StalePrimaryLabels.LabelledPod;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.contract.PodContract;

/**
 * Member states on the pods of one Postgres object, through an informer (peers' changes arrive as events and wake the
 * loop). Each coordinator patches only its own pod (JSON merge patch of its role label and state annotation).
 *
 * <p>"Its own pod" is one incarnation: a pod deleted with {@code --grace-period=0 --force} leaves the API at once while
 * its containers keep running until the kubelet stops them, and the StatefulSet creates a new pod of the same name
 * meanwhile. Given the pod's uid, every patch carries it ({@code metadata.uid}), which the API server checks against
 * the object's uid and refuses on a mismatch, so the old coordinator can neither label the new pod primary nor
 * overwrite its state; and the role label it reads as its own is the one of its own incarnation only.
 *
 * <p>The one write on another member's pod is the Lease holder's removal of a primary label left there (its
 * coordinator died with its node); it names that pod's uid and resourceVersion, so it can only touch the pod as
 * observed.
 */
public final class PodMemberDirectory implements MemberDirectory, AutoCloseable {

    private final KubernetesClient client;
    private final String namespace;
    private final String self;
    private final String selfUid;
    private final SharedIndexInformer<Pod> informer;
    private volatile boolean ownPodLeaving;

    /** {@code selfUid}: the uid of this coordinator's pod, or null for no precondition (a local process). */
    public PodMemberDirectory(KubernetesClient client, String namespace, String postgres, String self, String selfUid,
            Runnable onChange) {
        this.client = client;
        this.namespace = namespace;
        this.self = self;
        this.selfUid = selfUid;
        this.informer = client.pods().inNamespace(namespace).withLabels(Labels.postgresSelector(postgres))
                .runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        noteOwnPod(pod, false);
                        onChange.run();
                    }

                    @Override
                    public void onUpdate(Pod before, Pod after) {
                        noteOwnPod(after, false);
                        onChange.run();
                    }

                    @Override
                    public void onDelete(Pod pod, boolean unknownFinalState) {
                        noteOwnPod(pod, true);
                        onChange.run();
                    }
                });
        // keep retrying through API outages instead of stopping the informer
        informer.exceptionHandler((started, error) -> true);
        informer.start();
    }

    @Override
    public Map<String, MemberState> states() {
        Map<String, MemberState> out = new HashMap<>();
        for (Pod pod : informer.getStore().list()) {
            Map<String, String> annotations = pod.getMetadata().getAnnotations();
            if (annotations == null) {
                continue;
            }
            MemberStateCodec.decode(annotations.get(PodContract.MEMBER_STATE_ANNOTATION))
                    .ifPresent(s -> out.put(pod.getMetadata().getName(), s));
        }
        return out;
    }

    /**
     * A pod marked for deletion is always stopped by its kubelet (finalizers hold only the API object), and a deletion
     * cannot be withdrawn, so the mark is as final as the SIGTERM that follows it. Only this incarnation counts: the
     * StatefulSet's replacement of the same name has another uid.
     */
    static boolean leaving(String selfUid, Pod pod, boolean deleted) {
        if (selfUid == null || pod == null || pod.getMetadata() == null || !selfUid.equals(pod.getMetadata().getUid())) {
            return false;
        }
        return deleted || pod.getMetadata().getDeletionTimestamp() != null;
    }

    private void noteOwnPod(Pod pod, boolean deleted) {
        if (leaving(selfUid, pod, deleted)) {
            ownPodLeaving = true;
        }
    }

    @Override
    public boolean ownPodLeaving() {
        return ownPodLeaving;
    }

    @Override
    public String ownRoleLabel() {
        Pod own = informer.getStore().getByKey(namespace + "/" + self);
        if (own == null) {
            own = client.pods().inNamespace(namespace).withName(self).get();
        }
        if (own == null || own.getMetadata().getLabels() == null) {
            return null;
        }
        if (selfUid != null && !selfUid.equals(own.getMetadata().getUid())) {
            // a newer pod of the same name: this coordinator's own pod is gone, and with it any label
            return null;
        }
        return own.getMetadata().getLabels().get(Labels.ROLE);
    }

    @Override
    public void publish(MemberState state) {
        String value = MemberStateCodec.encode(state).replace("\\", "\\\\").replace("\"", "\\\"");
        patch("\"annotations\":{\"" + PodContract.MEMBER_STATE_ANNOTATION + "\":\"" + value + "\"}");
    }

    @Override
    public void setRole(Role role) {
        String value = role.label() == null ? "null" : "\"" + role.label() + "\"";
        patch("\"labels\":{\"" + Labels.ROLE + "\":" + value + "}");
    }

    @Override
    public List<LabelledPod> roleLabels() {
        return informer.getStore().list().stream().map(p -> new LabelledPod(p.getMetadata().getName(),
                p.getMetadata().getUid(), p.getMetadata().getResourceVersion(),
                p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(Labels.ROLE))).toList();
    }

    @Override
    public void clearRoleLabel(LabelledPod pod) {
        // uid and resourceVersion in a merge patch are preconditions: a mismatch is a 409, nothing is written
        client.pods().inNamespace(namespace).withName(pod.name()).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"uid\":\"" + pod.uid() + "\",\"resourceVersion\":\"" + pod.resourceVersion()
                        + "\",\"labels\":{\"" + Labels.ROLE + "\":null}}}");
    }

    /** A merge patch of the pod's metadata ({@code fields}), with the uid precondition when the uid is known. */
    private void patch(String fields) {
        String uid = selfUid == null ? "" : "\"uid\":\"" + selfUid + "\",";
        client.pods().inNamespace(namespace).withName(self).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{" + uid + fields + "}}");
    }

    @Override
    public void close() {
        informer.close();
    }
}

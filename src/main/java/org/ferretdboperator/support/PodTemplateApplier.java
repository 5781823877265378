package org.ferretdboperator.support;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SeccompProfileBuilder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ferretdboperator.api.common.PodTemplate;
import org.ferretdboperator.api.common.PodTemplateMetadata;
import org.ferretdboperator.api.common.PodTemplateOverrides;

/**
 * Applies a user's {@code spec.podTemplate} onto a pod template the operator built. The operator's choices win where
 * they carry meaning (selector labels, its own env, non-root, seccomp); the user decides placement, scheduling,
 * pull secrets, the main container's resources and extra env.
 */
public final class PodTemplateApplier {

    public static final long DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30L;

    private PodTemplateApplier() {
    }

    /**
     * @param template      the user's overrides, may be null
     * @param target        the operator's pod template; its labels, annotations and the main container's env win
     * @param mainContainer name of the container that receives the user's resources and env
     * @param defaultUid    UID/GID/fsGroup to run as when the user sets none
     */
    public static void apply(PodTemplate template, PodTemplateSpec target, String mainContainer, long defaultUid) {
        PodTemplateMetadata metadata = template == null ? null : template.getMetadata();
        PodTemplateOverrides overrides = template == null ? null : template.getSpec();
        if (metadata != null) {
            target.getMetadata().setLabels(mergeUnder(metadata.getLabels(), target.getMetadata().getLabels()));
            target.getMetadata().setAnnotations(mergeUnder(metadata.getAnnotations(), target.getMetadata().getAnnotations()));
        }
        PodSpec pod = target.getSpec();
        if (overrides != null) {
            applyScheduling(overrides, pod);
            Container main = pod.getContainers().stream()
                    .filter(c -> c.getName().equals(mainContainer))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no container " + mainContainer));
            if (overrides.getResources() != null) {
                main.setResources(overrides.getResources());
            }
            main.setEnv(mergeEnvUnder(overrides.getEnv(), main.getEnv()));
        }
        pod.setSecurityContext(securityContext(overrides == null ? null : overrides.getSecurityContext(), defaultUid));
        if (pod.getTerminationGracePeriodSeconds() == null) {
            pod.setTerminationGracePeriodSeconds(DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
        }
    }

    private static void applyScheduling(PodTemplateOverrides overrides, PodSpec pod) {
        if (overrides.getNodeSelector() != null) {
            pod.setNodeSelector(overrides.getNodeSelector());
        }
        if (overrides.getTolerations() != null) {
            pod.setTolerations(overrides.getTolerations());
        }
        if (overrides.getAffinity() != null) {
            pod.setAffinity(overrides.getAffinity());
        }
        if (overrides.getTopologySpreadConstraints() != null) {
            pod.setTopologySpreadConstraints(overrides.getTopologySpreadConstraints());
        }
        if (overrides.getPriorityClassName() != null) {
            pod.setPriorityClassName(overrides.getPriorityClassName());
        }
        if (overrides.getImagePullSecrets() != null) {
            pod.setImagePullSecrets(overrides.getImagePullSecrets());
        }
        if (overrides.getTerminationGracePeriodSeconds() != null) {
            pod.setTerminationGracePeriodSeconds(overrides.getTerminationGracePeriodSeconds());
        }
    }

    /**
     * The user's pod security context is the base (e.g. runAsUser for a custom image, supplementalGroups); the
     * "restricted" Pod Security Standard is enforced on top: non-root always, and a seccomp profile unless the user
     * chose a stricter one.
     */
    static PodSecurityContext securityContext(PodSecurityContext user, long defaultUid) {
        PodSecurityContextBuilder b = user == null ? new PodSecurityContextBuilder() : new PodSecurityContextBuilder(user);
        PodSecurityContext base = b.build();
        if (base.getRunAsUser() == null) {
            b.withRunAsUser(defaultUid);
        }
        if (base.getRunAsGroup() == null) {
            b.withRunAsGroup(defaultUid);
        }
        if (base.getFsGroup() == null) {
            b.withFsGroup(defaultUid);
        }
        if (base.getFsGroupChangePolicy() == null) {
            // Only chown a volume whose root does not match already: large data volumes start fast.
            b.withFsGroupChangePolicy("OnRootMismatch");
        }
        boolean userProfileAllowed = base.getSeccompProfile() != null
                && ("RuntimeDefault".equals(base.getSeccompProfile().getType())
                || "Localhost".equals(base.getSeccompProfile().getType()));
        if (!userProfileAllowed) {
            b.withSeccompProfile(new SeccompProfileBuilder().withType("RuntimeDefault").build());
        }
        return b.withRunAsNonRoot(true).build();
    }

    private static Map<String, String> mergeUnder(Map<String, String> user, Map<String, String> ours) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (user != null) {
            merged.putAll(user);
        }
        if (ours != null) {
            merged.putAll(ours);
        }
        return merged;
    }

    /** The operator's variables keep their values; the user's others are appended in their order. */
    private static List<EnvVar> mergeEnvUnder(List<EnvVar> user, List<EnvVar> ours) {
        List<EnvVar> merged = new ArrayList<>(ours == null ? List.of() : ours);
        Set<String> taken = new HashSet<>();
        merged.forEach(e -> taken.add(e.getName()));
        if (user != null) {
            for (EnvVar e : user) {
                if (taken.add(e.getName())) {
                    merged.add(e);
                }
            }
        }
        return merged;
    }
}

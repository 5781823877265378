package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.api.common.PodTemplate;
import org.ferretdboperator.api.common.PodTemplateOverrides;

/**
 * Applies a user's {@code podTemplate} to a FerretDB server pod. The operator's labels, container image, probes and
 * restricted security settings stay in force; everything else the narrow PodTemplate type offers is taken over.
 */
final class ServerPodTemplateOverrides {

    private ServerPodTemplateOverrides() {
    }

    static void apply(PodTemplate template, PodTemplateSpec pod, String containerName) {
        if (template == null) {
            return;
        }
        if (template.getMetadata() != null) {
            pod.getMetadata().setLabels(underneath(template.getMetadata().getLabels(), pod.getMetadata().getLabels()));
            pod.getMetadata().setAnnotations(
                    underneath(template.getMetadata().getAnnotations(), pod.getMetadata().getAnnotations()));
        }
        PodTemplateOverrides overrides = template.getSpec();
        if (overrides == null) {
            return;
        }
        PodSpec spec = pod.getSpec();
        Container container = spec.getContainers().stream()
                .filter(c -> c.getName().equals(containerName)).findFirst().orElseThrow();
        if (overrides.getResources() != null) {
            container.setResources(overrides.getResources());
        }
        if (overrides.getEnv() != null) {
            List<io.fabric8.kubernetes.api.model.EnvVar> env = new ArrayList<>(container.getEnv());
            env.addAll(overrides.getEnv());
            container.setEnv(env);
        }
        if (overrides.getNodeSelector() != null) {
            spec.setNodeSelector(overrides.getNodeSelector());
        }
        if (overrides.getTolerations() != null) {
            spec.setTolerations(overrides.getTolerations());
        }
        if (overrides.getAffinity() != null) {
            spec.setAffinity(overrides.getAffinity());
        }
        if (overrides.getTopologySpreadConstraints() != null) {
            spec.setTopologySpreadConstraints(overrides.getTopologySpreadConstraints());
        }
        if (overrides.getPriorityClassName() != null) {
            spec.setPriorityClassName(overrides.getPriorityClassName());
        }
        if (overrides.getImagePullSecrets() != null) {
            spec.setImagePullSecrets(overrides.getImagePullSecrets());
        }
        if (overrides.getTerminationGracePeriodSeconds() != null) {
            spec.setTerminationGracePeriodSeconds(overrides.getTerminationGracePeriodSeconds());
        }
        if (overrides.getSecurityContext() != null) {
            spec.setSecurityContext(merge(spec.getSecurityContext(), overrides.getSecurityContext()));
        }
    }

    /** User values override the defaults field by field, except that the pod always runs as non-root. */
    private static PodSecurityContext merge(PodSecurityContext defaults, PodSecurityContext user) {
        PodSecurityContext merged = new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder(defaults).build();
        if (user.getRunAsUser() != null) {
            merged.setRunAsUser(user.getRunAsUser());
        }
        if (user.getRunAsGroup() != null) {
            merged.setRunAsGroup(user.getRunAsGroup());
        }
        if (user.getFsGroup() != null) {
            merged.setFsGroup(user.getFsGroup());
        }
        if (user.getFsGroupChangePolicy() != null) {
            merged.setFsGroupChangePolicy(user.getFsGroupChangePolicy());
        }
        if (user.getSupplementalGroups() != null) {
            merged.setSupplementalGroups(user.getSupplementalGroups());
        }
        if (user.getSeccompProfile() != null) {
            merged.setSeccompProfile(user.getSeccompProfile());
        }
        if (user.getSeLinuxOptions() != null) {
            merged.setSeLinuxOptions(user.getSeLinuxOptions());
        }
        if (user.getSysctls() != null) {
            merged.setSysctls(user.getSysctls());
        }
        merged.setRunAsNonRoot(true);
        return merged;
    }

    /** The user's entries, with the operator's entries on top (selectors must keep matching). */
    private static Map<String, String> underneath(Map<String, String> user, Map<String, String> operator) {
        Map<String, String> merged = new LinkedHashMap<>();
        if (user != null) {
            merged.putAll(user);
        }
        if (operator != null) {
            merged.putAll(operator);
        }
        return merged;
    }
}

package org.ferretdboperator.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The checks of the Kubernetes "restricted" Pod Security Standard (latest) on a pod spec, as violations. A static
 * companion of the admission tests, which let the API server's PodSecurity admission judge the real pods.
 */
final class RestrictedPodSecurity {

    private static final Set<String> ALLOWED_VOLUME_TYPES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
            "ephemeral", "persistentVolumeClaim", "projected", "secret");

    private RestrictedPodSecurity() {
    }

    static List<String> violations(JsonNode podSpec) {
        List<String> v = new ArrayList<>();
        JsonNode pod = podSpec.path("securityContext");
        for (String hostField : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (podSpec.path(hostField).asBoolean(false)) {
                v.add(hostField + " is true");
            }
        }
        for (JsonNode volume : podSpec.path("volumes")) {
            volume.fieldNames().forEachRemaining(f -> {
                if (!f.equals("name") && !ALLOWED_VOLUME_TYPES.contains(f)) {
                    v.add("volume " + volume.path("name").asText() + " has type " + f);
                }
            });
        }
        List<JsonNode> containers = new ArrayList<>();
        podSpec.path("initContainers").forEach(containers::add);
        podSpec.path("containers").forEach(containers::add);
        for (JsonNode c : containers) {
            String name = "container " + c.path("name").asText();
            JsonNode sc = c.path("securityContext");
            if (sc.path("privileged").asBoolean(false)) {
                v.add(name + ": privileged");
            }
            if (!sc.path("allowPrivilegeEscalation").isBoolean() || sc.path("allowPrivilegeEscalation").asBoolean()) {
                v.add(name + ": allowPrivilegeEscalation must be false");
            }
            boolean dropsAll = false;
            for (JsonNode d : sc.path("capabilities").path("drop")) {
                dropsAll |= d.asText().equals("ALL");
            }
            if (!dropsAll) {
                v.add(name + ": capabilities.drop must contain ALL");
            }
            for (JsonNode a : sc.path("capabilities").path("add")) {
                if (!a.asText().equals("NET_BIND_SERVICE")) {
                    v.add(name + ": adds capability " + a.asText());
                }
            }
            boolean nonRoot = sc.has("runAsNonRoot") ? sc.path("runAsNonRoot").asBoolean() : pod.path("runAsNonRoot").asBoolean(false);
            if (!nonRoot) {
                v.add(name + ": runAsNonRoot must be true (container or pod)");
            }
            JsonNode user = sc.has("runAsUser") ? sc.path("runAsUser") : pod.path("runAsUser");
            if (user.isNumber() && user.asLong() == 0) {
                v.add(name + ": runAsUser 0");
            }
            String seccomp = sc.path("seccompProfile").path("type").asText(pod.path("seccompProfile").path("type").asText(""));
            if (!seccomp.equals("RuntimeDefault") && !seccomp.equals("Localhost")) {
                v.add(name + ": seccompProfile.type must be RuntimeDefault or Localhost (container or pod)");
            }
            for (JsonNode port : c.path("ports")) {
                if (port.has("hostPort") && port.path("hostPort").asInt() != 0) {
                    v.add(name + ": hostPort " + port.path("hostPort").asInt());
                }
            }
        }
        return v;
    }
}

package org.ferretdboperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.operator.OperatorLeaderElection;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.Helm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** helm lint and helm template of helm/ferretdb-operator, with default and non-default values. */
class HelmChartTest {

    @Test
    void lintPassesStrict() {
        Command.Result r = Helm.run(Duration.ofMinutes(1), "lint", "--strict",
                Chart.DIR.toString(), "--kube-version", Chart.KUBE_VERSION);
        assertThat(r.succeeded()).as(r.describe()).isTrue();
        assertThat(r.stdout()).contains("0 chart(s) failed");
    }

    @Test
    void defaultRenderIsTheOperatorWithTwoLeaderElectedReplicas() {
        List<JsonNode> docs = Chart.render();
        assertThat(docs).extracting(d -> d.path("kind").asText()).contains("ServiceAccount", "ClusterRole",
                "ClusterRoleBinding", "Role", "RoleBinding", "Deployment", "Service", "PodDisruptionBudget");
        assertThat(Yaml.ofKind(docs, "ServiceMonitor")).isEmpty();
        assertThat(Yaml.ofKind(docs, "PodMonitor")).isEmpty();
        assertThat(Yaml.ofKind(docs, "PrometheusRule")).isEmpty();
        for (JsonNode doc : docs) {
            if (!doc.path("metadata").path("namespace").isMissingNode()) {
                assertThat(doc.path("metadata").path("namespace").asText()).as(doc.path("kind").asText())
                        .isEqualTo(Chart.NAMESPACE);
            }
        }

        JsonNode deployment = Yaml.single(docs, "Deployment", "ferretdb-operator");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
        JsonNode pod = deployment.at("/spec/template/spec");
        assertThat(pod.path("serviceAccountName").asText()).isEqualTo("ferretdb-operator");
        JsonNode container = pod.path("containers").get(0);
        assertThat(container.path("image").asText()).isEqualTo("ghcr.io/ferretdb-operator/ferretdb-operator:0.1.0");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        Map<String, JsonNode> env = env(container);
        assertThat(env.get("FERRETDB_OPERATOR_IMAGE").path("value").asText())
                .as("the coordinator runs from the operator image").isEqualTo(container.path("image").asText());
        assertThat(env.get("KUBERNETES_NAMESPACE").at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.namespace");
        assertThat(env.get("FERRETDB_OPERATOR_LEADER_ELECTION_IDENTITY").at("/valueFrom/fieldRef/fieldPath").asText())
                .isEqualTo("metadata.name");
        assertThat(env).as("all namespaces are watched by default").doesNotContainKey("QUARKUS_OPERATOR_SDK_NAMESPACES");
        assertThat(RestrictedPodSecurity.violations(pod)).isEmpty();

        // Watching all namespaces: the namespaced role is bound cluster-wide.
        JsonNode binding = Yaml.single(docs, "ClusterRoleBinding", "ferretdb-operator");
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo("ferretdb-operator");
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(Chart.NAMESPACE);
        assertThat(Yaml.ofKind(docs, "RoleBinding")).extracting(d -> d.at("/metadata/name").asText())
                .containsExactly("ferretdb-operator-leader-election");
    }

    @Test
    void leaderElectionRoleGrantsExactlyTheOperatorsLease() {
        JsonNode role = Yaml.single(Chart.render(), "Role", "ferretdb-operator-leader-election");
        List<String> named = new ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            rule.path("resourceNames").forEach(n -> named.add(n.asText()));
        }
        assertThat(named).containsExactly(OperatorLeaderElection.LEASE_NAME);
    }

    @Test
    void watchedNamespacesGetRoleBindingsInsteadOfAClusterWideBinding() {
        List<JsonNode> docs = Chart.render("--set", "watchNamespaces={team-a,team-b}");
        JsonNode container = Yaml.single(docs, "Deployment", "ferretdb-operator").at("/spec/template/spec/containers/0");
        assertThat(env(container).get("QUARKUS_OPERATOR_SDK_NAMESPACES").path("value").asText()).isEqualTo("team-a,team-b");
        List<JsonNode> bindings = Yaml.ofKind(docs, "RoleBinding").stream()
                .filter(b -> b.at("/roleRef/kind").asText().equals("ClusterRole")).toList();
        assertThat(bindings).extracting(b -> b.at("/metadata/namespace").asText()).containsExactly("team-a", "team-b");
        assertThat(bindings).allSatisfy(b -> assertThat(b.at("/roleRef/name").asText()).isEqualTo("ferretdb-operator"));
        assertThat(Yaml.ofKind(docs, "ClusterRoleBinding")).extracting(b -> b.at("/roleRef/name").asText())
                .as("only the cluster-scoped role stays cluster-wide").containsExactly("ferretdb-operator-cluster");
    }

    @ParameterizedTest
    @CsvSource({
            "'', 0.1.0, '', ferretdb-operator/ferretdb-operator:0.1.0",
            "quay.io, 1.2.3, '', quay.io/ferretdb-operator/ferretdb-operator:1.2.3",
            "ghcr.io, 1.2.3, sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, "
                    + "ghcr.io/ferretdb-operator/ferretdb-operator@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    })
    void imageSettingsComposeTheImageOfOperatorAndCoordinator(String registry, String tag, String digest, String expected) {
        JsonNode container = Yaml.single(Chart.render("--set", "image.registry=" + registry, "--set", "image.tag=" + tag,
                "--set", "image.digest=" + digest, "--set", "image.pullPolicy=Always"), "Deployment", "ferretdb-operator")
                .at("/spec/template/spec/containers/0");
        assertThat(container.path("image").asText()).isEqualTo(expected);
        assertThat(container.path("imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(env(container).get("FERRETDB_OPERATOR_IMAGE").path("value").asText()).isEqualTo(expected);
    }

    @Test
    void oneReplicaHasNoDisruptionBudget() {
        List<JsonNode> docs = Chart.render("--set", "replicaCount=1");
        assertThat(Yaml.single(docs, "Deployment", "ferretdb-operator").at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(Yaml.ofKind(docs, "PodDisruptionBudget")).isEmpty();
        List<JsonNode> three = Chart.render("--set", "replicaCount=3");
        assertThat(Yaml.single(three, "PodDisruptionBudget", "ferretdb-operator").at("/spec/minAvailable").asInt()).isEqualTo(1);
    }

    @Test
    void monitoringObjectsAreRenderedOnlyWhenEnabled() {
        List<JsonNode> docs = Chart.render("--set", "monitoring.serviceMonitor.enabled=true",
                "--set", "monitoring.podMonitor.enabled=true", "--set", "monitoring.coordinatorPodMonitor.enabled=true",
                "--set", "monitoring.prometheusRule.enabled=true", "--set", "monitoring.serviceMonitor.labels.release=prom");
        JsonNode sm = Yaml.single(docs, "ServiceMonitor", "ferretdb-operator");
        assertThat(sm.at("/metadata/labels/release").asText()).isEqualTo("prom");
        assertThat(sm.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
        assertThat(sm.at("/spec/endpoints/0/port").asText()).isEqualTo("http");
        // the operator's namespace/pod labels (the database's) win over the target's (the operator pod's)
        assertThat(sm.at("/spec/endpoints/0/honorLabels").asBoolean()).isTrue();
        JsonNode operatorPods = Yaml.single(docs, "PodMonitor", "ferretdb-operator");
        assertThat(operatorPods.at("/spec/podMetricsEndpoints/0/path").asText()).isEqualTo("/q/metrics");
        assertThat(operatorPods.at("/spec/podMetricsEndpoints/0/honorLabels").asBoolean()).isTrue();
        JsonNode coordinators = Yaml.single(docs, "PodMonitor", "ferretdb-operator-pg-coordinator");
        // a coordinator's series have no namespace/pod of their own: the target's name the member
        assertThat(coordinators.at("/spec/podMetricsEndpoints/0/honorLabels").asBoolean()).isFalse();
        assertThat(coordinators.at("/spec/podMetricsEndpoints/0/port").asText())
                .isEqualTo(org.ferretdboperator.contract.PodContract.COORDINATOR_METRICS_PORT_NAME);
        assertThat(coordinators.at("/spec/selector/matchLabels/app.kubernetes.io~1name").asText())
                .isEqualTo(org.ferretdboperator.support.Labels.POSTGRES_KIND_NAME);
        assertThat(coordinators.at("/spec/namespaceSelector/any").asBoolean()).isTrue();
        List<String> alerts = new ArrayList<>();
        Yaml.single(docs, "PrometheusRule", "ferretdb-operator").at("/spec/groups/0/rules")
                .forEach(r -> alerts.add(r.path("alert").asText()));
        assertThat(alerts).containsExactly("FerretDBOperatorDown", "FerretDBOperatorStandbyMissing",
                "FerretDBOperatorReconcileFailures");

        List<JsonNode> watched = Chart.render("--set", "monitoring.coordinatorPodMonitor.enabled=true",
                "--set", "watchNamespaces={demo}");
        assertThat(Yaml.single(watched, "PodMonitor", "ferretdb-operator-pg-coordinator")
                .at("/spec/namespaceSelector/matchNames/0").asText()).isEqualTo("demo");
    }

    /**
     * {@code helm test}: one pod waits for exactly the chart's CRDs to be Established and asks the operator's Service for
     * its readiness; it passes the restricted Pod Security Standard, and its ServiceAccount may only read those CRDs.
     * Not part of what {@code helm install} (or kubernetes/operator/) installs.
     */
    @Test
    void helmTestChecksTheCrdsAndTheOperatorsServiceWithLeastPrivilege() throws Exception {
        List<JsonNode> tests = Chart.renderTests();
        JsonNode pod = Yaml.single(tests, "Pod", "ferretdb-operator-test");
        assertThat(RestrictedPodSecurity.violations(pod.path("spec"))).isEmpty();
        List<String> crdNames = new ArrayList<>();
        for (java.nio.file.Path f : Yaml.files(java.nio.file.Path.of("kubernetes", "crds"))) {
            crdNames.add(Yaml.docs(f).get(0).at("/metadata/name").asText());
        }
        List<String> waitArgs = new ArrayList<>();
        pod.at("/spec/containers/0/args").forEach(a -> waitArgs.add(a.asText()));
        assertThat(waitArgs).contains("wait", "--for=condition=Established");
        assertThat(waitArgs.stream().filter(a -> a.startsWith("customresourcedefinition/"))
                .map(a -> a.substring("customresourcedefinition/".length())).toList())
                .containsExactlyInAnyOrderElementsOf(crdNames);
        JsonNode service = Yaml.single(Chart.render(), "Service", "ferretdb-operator");
        List<String> wget = new ArrayList<>();
        pod.at("/spec/containers/1/command").forEach(a -> wget.add(a.asText()));
        assertThat(wget).first().isEqualTo("wget");
        assertThat(wget).last().isEqualTo("http://ferretdb-operator." + Chart.NAMESPACE + ".svc:"
                + service.at("/spec/ports/0/port").asInt() + "/q/health/ready");
        JsonNode role = Yaml.single(tests, "ClusterRole", "ferretdb-operator-test");
        assertThat(role.path("rules")).hasSize(1);
        assertThat(role.at("/rules/0/resources/0").asText()).isEqualTo("customresourcedefinitions");
        List<String> verbs = new ArrayList<>();
        role.at("/rules/0/verbs").forEach(v -> verbs.add(v.asText()));
        assertThat(verbs).containsExactlyInAnyOrder("get", "list", "watch");
        List<String> names = new ArrayList<>();
        role.at("/rules/0/resourceNames").forEach(v -> names.add(v.asText()));
        assertThat(names).containsExactlyInAnyOrderElementsOf(crdNames);
        assertThat(Yaml.single(tests, "ClusterRoleBinding", "ferretdb-operator-test").at("/subjects/0/name").asText())
                .isEqualTo(pod.at("/spec/serviceAccountName").asText());
        assertThat(tests).allSatisfy(d -> assertThat(d.at("/metadata/annotations/helm.sh~1hook-delete-policy").asText())
                .contains("hook-succeeded"));
        assertThat(Yaml.ofKind(Chart.render(), "Pod")).as("helm install creates no test pod").isEmpty();
    }

    @Test
    void catalogAndAdmissionPoliciesCanBeLeftOut() {
        List<JsonNode> docs = Chart.render("--set", "catalog.install=false", "--set", "admissionPolicies.install=false");
        assertThat(Yaml.ofKind(docs, "FerretDBVersion")).isEmpty();
        assertThat(Yaml.ofKind(docs, "ValidatingAdmissionPolicy")).isEmpty();
        assertThat(Yaml.ofKind(docs, "ValidatingAdmissionPolicyBinding")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "replicaCount=0                      | /replicaCount",
            "replicas=2                          | additional properties 'replicas' not allowed",
            "image.pullPolicy=Sometimes          | /image/pullPolicy",
            "image.digest=latest                 | /image/digest",
            "watchNamespaces={Team_A}            | /watchNamespaces/0",
            "leaderElection.leaseDuration=15     | /leaderElection/leaseDuration",
            "logLevel=LOUD                       | /logLevel",
            "service.port=70000                  | /service/port",
            "monitoring.serviceMonitor.enable=true | additional properties 'enable' not allowed",
    })
    void schemaRejectsBadValuesNamingTheField(String value, String message) {
        Command.Result r = Chart.template("--set", value);
        assertThat(r.succeeded()).as("helm template --set %s must fail", value).isFalse();
        assertThat(r.stderr()).contains(message);
    }

    private static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }
}

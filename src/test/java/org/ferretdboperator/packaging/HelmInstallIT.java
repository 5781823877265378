package org.ferretdboperator.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.ferretdboperator.api.catalog.FerretDBVersion;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.operator.OperatorLeaderElection;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.Helm;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.PackagedOperator;
import org.ferretdboperator.testsupport.RequiresControlPlane;
import org.ferretdboperator.testsupport.ShippedManifests;
import org.ferretdboperator.testsupport.TestNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Helm install path end to end on a bare real control plane of its own (so nothing the other tests installed hides
 * a missing CRD or RBAC object, or collides with the chart's): install, every object the chart rendered exists, the
 * operator (two replicas, leader election) with exactly the chart's RBAC, the KubeDB guide's FerretDB reconciled in a
 * namespace that enforces the "restricted" Pod Security Standard, fail-over of the operator's leadership, and an
 * uninstall that leaves nothing behind. There is no kubelet: the replicas run as local processes from the packaged jar
 * with the chart's ServiceAccount token and the chart's Deployment environment; the pods the controllers create are
 * judged by PodSecurity admission.
 */
@RequiresControlPlane
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HelmInstallIT {

    private static final String NS = Chart.NAMESPACE;
    private static final String DEMO = "demo";
    private static final Path SEED = Path.of(System.getProperty("ferretdb.seed", "../shared/seed/ferretdb.yaml"));
    private static final Map<String, String> RESTRICTED = Map.of("pod-security.kubernetes.io/enforce", "restricted",
            "pod-security.kubernetes.io/enforce-version", "latest");

    private LocalControlPlane controlPlane;
    private KubernetesClient client;
    private Path work;
    private final List<PackagedOperator> replicas = new ArrayList<>();

    @BeforeAll
    void setUp() throws Exception {
        // The chart ships with the project: its absence is a broken checkout, never a reason to skip.
        assertThat(Chart.DIR.resolve("Chart.yaml")).as("the Helm chart").isRegularFile();
        work = Files.createDirectories(Path.of("target", "packaging-it", "helm").toAbsolutePath());
        controlPlane = LocalControlPlane.startDedicated("local-cluster-helm");
        client = controlPlane.admin();
    }

    @AfterAll
    void tearDown() throws Exception {
        for (PackagedOperator p : replicas) {
            p.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    @Order(1)
    void chartInstallsIntoANamespaceThatEnforcesRestricted() {
        TestNamespaces.create(client, NS);
        assertThat(client.namespaces().withName(NS).get().getMetadata().getLabels()).containsAllEntriesOf(RESTRICTED);
        Command.Result install = helm("install", Chart.RELEASE, Chart.DIR.toString(), "-n", NS, "--timeout", "2m");
        assertThat(install.succeeded()).as(install.describe()).isTrue();
        Command.Result status = helm("status", Chart.RELEASE, "-n", NS);
        assertThat(status.stdout()).as(status.describe()).contains("STATUS: deployed");

        List<HasMetadata> rendered = client.load(new java.io.ByteArrayInputStream(
                helm("get", "manifest", Chart.RELEASE, "-n", NS).requireSuccess().stdout().getBytes())).items();
        assertThat(rendered).as("objects the chart rendered").isNotEmpty();
        for (HasMetadata object : rendered) {
            if (object.getMetadata().getNamespace() == null && isNamespaced(object)) {
                object.getMetadata().setNamespace(NS);
            }
            assertThat(client.resource(object).get()).as("%s %s installed by the chart", object.getKind(),
                    object.getMetadata().getName()).isNotNull();
        }
        for (String crd : List.of("ferretdbs.kubedb.com", "postgreses.kubedb.com", "ferretdbversions.catalog.kubedb.com",
                "postgresopsrequests.ops.kubedb.com", "ferretdbopsrequests.ops.kubedb.com")) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ShippedManifests.established(
                    client.apiextensions().v1().customResourceDefinitions().withName(crd).get()))
                    .as("CRD %s installed by the chart and Established", crd).isTrue());
        }

        for (Path crd : Yaml.files(Path.of("kubernetes", "crds"))) {
            String name = Yaml.one(crd).at("/metadata/name").asText();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(client.apiextensions().v1()
                    .customResourceDefinitions().withName(name).get()).as(name).isNotNull());
        }
        Set<String> catalog = new java.util.TreeSet<>();
        Yaml.files(Path.of("kubernetes", "catalog")).forEach(f -> Yaml.docs(f).forEach(d -> catalog.add(d.at("/metadata/name").asText())));
        assertThat(client.resources(FerretDBVersion.class).list().getItems()).extracting(v -> v.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(catalog);
        assertThat(client.admissionRegistration().v1().validatingAdmissionPolicies().list().getItems())
                .extracting(p -> p.getMetadata().getName()).contains("ferretdb-operator-deletion-protection");

        // The Deployment is accepted, and its pods pass PodSecurity admission (the controller could create them).
        assertThat(client.apps().deployments().inNamespace(NS).withName("ferretdb-operator").get()).isNotNull();
        for (Deployment deployment : rendered.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).toList()) {
            Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(
                    client.pods().inNamespace(NS).withLabels(selector).list().getItems())
                    .as(() -> "pods of Deployment " + deployment.getMetadata().getName()
                            + ", admitted by Pod Security \"restricted\"\n" + TestNamespaces.describe(client, NS))
                    .isNotEmpty());
        }
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(operatorPods()).hasSize(2));
        assertThat(podSecurityRejections(NS)).isEmpty();
    }

    @Test
    @Order(2)
    void replicasWithTheChartsServiceAccountBecomeReadyAndElectOneLeader() throws Exception {
        Deployment deployment = client.apps().deployments().inNamespace(NS).withName("ferretdb-operator").get();
        Path kubeconfig = PackagedOperator.serviceAccountKubeconfig(controlPlane, deployment);
        for (int i = 0; i < deployment.getSpec().getReplicas(); i++) {
            replicas.add(PackagedOperator.start(deployment, "ferretdb-operator-local-" + i, kubeconfig, work));
        }
        for (PackagedOperator p : replicas) {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(p.alive()).as("%s exited:\n%s", p.podName(), p.logTail()).isTrue();
                assertThat(p.ready()).as("%s /q/health/ready:\n%s", p.podName(), p.logTail()).isTrue();
            });
        }
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(leaseHolder())
                .isIn(replicas.stream().map(p -> p.podName()).toList()));
    }

    @Test
    @Order(3)
    void leaderReconcilesTheGuidesFerretDBIntoRestrictedPods() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(DEMO).withLabels(RESTRICTED)
                .endMetadata().build()).create();
        // Negative control: this control plane really enforces the namespace's level.
        Pod privileged = new PodBuilder().withNewMetadata().withName("privileged-probe").endMetadata().withNewSpec()
                .addNewContainer().withName("c").withImage("busybox").withNewSecurityContext().withPrivileged(true)
                .endSecurityContext().endContainer().endSpec().build();
        assertThat(createRejection(() -> client.pods().inNamespace(DEMO).resource(privileged).create()))
                .contains("violates PodSecurity");

        Command.Result apply = controlPlane.kubectl("apply", "-f", SEED.toString());
        assertThat(apply.succeeded()).as(apply.describe()).isTrue();
        String backend = Names.backend("ferret");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(client.resources(Postgres.class).inNamespace(DEMO).withName(backend).get())
                    .as("backend Postgres %s", backend).isNotNull();
            assertThat(client.pods().inNamespace(DEMO).withName(Names.pod(backend, 0)).get())
                    .as("backend pod admitted").isNotNull();
            assertThat(client.pods().inNamespace(DEMO).withName(Names.pod(Names.primaryServers("ferret"), 0)).get())
                    .as("FerretDB primary-group pod admitted").isNotNull();
            assertThat(client.pods().inNamespace(DEMO).withName(Names.pod(Names.secondaryServers("ferret"), 0)).get())
                    .as("FerretDB secondary-group pod admitted").isNotNull();
        });
        assertThat(podSecurityRejections(DEMO)).isEmpty();
    }

    @Test
    @Order(4)
    void standbyTakesOverWhenTheLeaderDiesAndKeepsReconciling() throws Exception {
        String leader = leaseHolder();
        PackagedOperator dead = replicas.stream().filter(p -> p.podName().equals(leader)).findFirst().orElseThrow();
        dead.kill();
        String standby = replicas.stream().filter(p -> p != dead).findFirst().orElseThrow().podName();
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(leaseHolder()).isEqualTo(standby));
        // The new leader repairs what it owns.
        String servers = Names.secondaryServers("ferret");
        client.apps().statefulSets().inNamespace(DEMO).withName(servers).withTimeout(30, java.util.concurrent.TimeUnit.SECONDS).delete();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
                client.apps().statefulSets().inNamespace(DEMO).withName(servers).get()).as("%s recreated", servers).isNotNull());
    }

    @Test
    @Order(5)
    void uninstallLeavesNothingOfOursBehind() throws Exception {
        assertThat(controlPlane.kubectl("delete", "-f", SEED.toString(), "--wait=true", "--timeout=120s").succeeded()).isTrue();
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> {
            assertThat(client.resources(FerretDB.class).inNamespace(DEMO).list().getItems()).isEmpty();
            assertThat(client.resources(Postgres.class).inNamespace(DEMO).list().getItems()).isEmpty();
        });
        for (PackagedOperator p : replicas) {
            p.close();
        }
        Command.Result uninstall = helm("uninstall", Chart.RELEASE, "-n", NS, "--wait", "--timeout", "2m");
        assertThat(uninstall.succeeded()).as(uninstall.describe()).isTrue();
        // The namespace was the user's (it carries the Pod Security labels); deleting it is the documented last step.
        client.namespaces().withName(NS).delete();

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(client.namespaces().withName(NS).get()).isNull();
            assertThat(client.rbac().clusterRoles().list().getItems()).extracting(r -> r.getMetadata().getName())
                    .noneMatch(n -> n.startsWith("ferretdb-operator"));
            assertThat(client.rbac().clusterRoleBindings().list().getItems()).extracting(r -> r.getMetadata().getName())
                    .noneMatch(n -> n.startsWith("ferretdb-operator"));
            assertThat(client.resources(FerretDBVersion.class).list().getItems()).isEmpty();
            assertThat(client.admissionRegistration().v1().validatingAdmissionPolicies().list().getItems())
                    .extracting(p -> p.getMetadata().getName()).noneMatch(n -> n.startsWith("ferretdb-operator"));
            // WipeOut: nothing of the FerretDB is kept in its namespace.
            assertThat(client.apps().statefulSets().inNamespace(DEMO).list().getItems()).isEmpty();
            assertThat(client.services().inNamespace(DEMO).list().getItems()).isEmpty();
            assertThat(client.secrets().inNamespace(DEMO).list().getItems()).isEmpty();
            assertThat(client.persistentVolumeClaims().inNamespace(DEMO).list().getItems()).isEmpty();
            assertThat(client.leases().inNamespace(DEMO).list().getItems()).isEmpty();
            assertThat(client.rbac().roles().inNamespace(DEMO).list().getItems()).isEmpty();
            assertThat(client.configMaps().inNamespace(DEMO).list().getItems()).extracting(c -> c.getMetadata().getName())
                    .containsOnly("kube-root-ca.crt");
            assertThat(client.serviceAccounts().inNamespace(DEMO).list().getItems()).extracting(s -> s.getMetadata().getName())
                    .containsOnly("default");
        });
        // Helm never deletes CRDs (they would take every user's objects with them); README says how to remove them.
        assertThat(client.apiextensions().v1().customResourceDefinitions().withName("ferretdbs.kubedb.com").get()).isNotNull();
        client.namespaces().withName(DEMO).delete();
    }

    private Command.Result helm(String... args) {
        return Helm.on(controlPlane, args);
    }

    private boolean isNamespaced(HasMetadata object) {
        return client.getApiResources(object.getApiVersion()).getResources().stream()
                .filter(r -> r.getKind().equals(object.getKind()) && !r.getName().contains("/"))
                .anyMatch(r -> Boolean.TRUE.equals(r.getNamespaced()));
    }

    private List<Pod> operatorPods() {
        return client.pods().inNamespace(NS).withLabel("app.kubernetes.io/name", "ferretdb-operator").list().getItems();
    }

    private String leaseHolder() {
        Lease lease = client.leases().inNamespace(NS).withName(OperatorLeaderElection.LEASE_NAME).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private List<String> podSecurityRejections(String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "FailedCreate".equals(e.getReason()) && e.getMessage() != null
                        && e.getMessage().contains("PodSecurity"))
                .map(Event::getMessage).collect(Collectors.toList());
    }

    private static String createRejection(Runnable create) {
        try {
            create.run();
            return "accepted";
        } catch (KubernetesClientException e) {
            return e.getMessage();
        }
    }
}

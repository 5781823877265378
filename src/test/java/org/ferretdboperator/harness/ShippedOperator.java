package org.ferretdboperator.harness;

import org.ferretdboperator.testsupport.LocalControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.ferretdboperator.packaging.OperatorProcess;

/**
 * The operator as users install it with {@code kubectl apply -f kubernetes/} (CRDs, catalog, namespace, RBAC,
 * Service), with its one replica run as a local process from the packaged jar under the shipped ServiceAccount's
 * identity (a token from the TokenRequest API): the harness has no kubelet to run the Deployment's pod.
 */
final class ShippedOperator {

    private ShippedOperator() {
    }

    /** Installs the shipped manifests into the harness's control plane and starts one operator replica. */
    static OperatorProcess start(LocalControlPlane controlPlane, Path workDir) throws IOException {
        Path project = Harness.projectDir();
        Files.createDirectories(workDir);
        for (Path crd : yamlIn(project.resolve("kubernetes/crds"))) {
            for (HasMetadata item : load(controlPlane, crd)) {
                controlPlane.admin().resource(item).forceConflicts().serverSideApply();
                controlPlane.admin().apiextensions().v1().customResourceDefinitions().withName(item.getMetadata().getName())
                        .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                                .anyMatch(k -> "Established".equals(k.getType()) && "True".equals(k.getStatus())),
                                60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        List<Path> files = new ArrayList<>(yamlIn(project.resolve("kubernetes/catalog")));
        files.add(project.resolve("kubernetes/operator/ferretdb-operator.yaml"));
        Deployment deployment = null;
        for (Path file : files) {
            for (HasMetadata item : load(controlPlane, file)) {
                if (item instanceof Deployment d) {
                    deployment = d; // its replica runs below, as a process
                    continue;
                }
                controlPlane.admin().resource(item).forceConflicts().serverSideApply();
            }
        }
        if (deployment == null) {
            throw new IllegalStateException("kubernetes/operator/ferretdb-operator.yaml has no Deployment");
        }
        String namespace = deployment.getMetadata().getNamespace();
        String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();
        String token = controlPlane.admin().serviceAccounts().inNamespace(namespace).withName(account)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(7200L).endSpec().build())
                .getStatus().getToken();
        Path kubeconfig = workDir.resolve(account + ".kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: harness
                  cluster: {server: "%s", certificate-authority-data: "%s"}
                users:
                - name: operator
                  user: {token: "%s"}
                contexts:
                - name: operator
                  context: {cluster: harness, user: operator, namespace: %s}
                current-context: operator
                """.formatted(controlPlane.masterUrl(), controlPlane.caData(), token, namespace));
        Files.setPosixFilePermissions(kubeconfig, PosixFilePermissions.fromString("rw-------"));
        return OperatorProcess.start(deployment, "ferretdb-operator-harness-0", kubeconfig, workDir);
    }

    static URI metrics(OperatorProcess operator) {
        return URI.create("http://127.0.0.1:" + operator.port + "/q/metrics");
    }

    private static List<HasMetadata> load(LocalControlPlane controlPlane, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return controlPlane.admin().load(in).items();
        }
    }

    private static List<Path> yamlIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }
}

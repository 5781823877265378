package org.ferretdboperator.controlplane;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.ShippedManifests;

/**
 * Starts (or joins) the shared control plane and writes the kubeconfig the operator's Kubernetes client reads
 * ({@link OperatorUnderTest} points the client at it): the shipped ServiceAccount's token from the TokenRequest API and
 * the cluster's CA, nothing else. The file replaces the client's auto-configuration, so no ambient KUBECONFIG and no
 * admin certificate can leak into the operator's identity.
 */
public class OperatorServiceAccountCredentials implements QuarkusTestResourceLifecycleManager {

    static final String KUBECONFIG_USER = "operator";
    /** Comfortably longer than the whole tier; the API server's minimum is 10 minutes. */
    private static final Duration TOKEN_VALIDITY = Duration.ofHours(4);

    /** Where the kubeconfig will be; known before the control plane starts, so it can be build-time configuration. */
    static Path kubeconfig(Path projectDir) {
        return LocalControlPlane.sharedStateDir(projectDir).resolve(KUBECONFIG_USER + ".kubeconfig");
    }

    @Override
    public Map<String, String> start() {
        LocalControlPlane controlPlane = LocalControlPlane.shared();
        ServiceAccount account = ShippedManifests.operatorServiceAccount(controlPlane.projectDir());
        String namespace = account.getMetadata().getNamespace();
        String token = controlPlane.serviceAccountToken(namespace, account.getMetadata().getName(), TOKEN_VALIDITY);
        Path written = controlPlane.writeTokenKubeconfig(KUBECONFIG_USER, token, namespace);
        if (!written.equals(kubeconfig(controlPlane.projectDir()))) {
            throw new IllegalStateException("operator kubeconfig written to " + written + ", configured as "
                    + kubeconfig(controlPlane.projectDir()));
        }
        return Map.of();
    }

    @Override
    public void stop() {
        // The control plane outlives the operator: it is shared with the other test classes and stopped at JVM exit.
    }
}

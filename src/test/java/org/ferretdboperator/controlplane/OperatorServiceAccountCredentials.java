package org.ferretdboperator.controlplane;

import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.ShippedManifests;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts (or joins) the shared control plane and writes the kubeconfig the operator's Kubernetes client reads
 * ({@link OperatorUnderTest} points the client at it): the shipped ServiceAccount's token from the TokenRequest API and
 * the cluster's CA, nothing else. The file replaces the client's auto-configuration, so no ambient KUBECONFIG and no
 * admin certificate can leak into the operator's identity.
 */
public class OperatorServiceAccountCredentials implements QuarkusTestResourceLifecycleManager {

    static final String KUBECONFIG_USER = "operator";
    /** Comfortably longer than the whole tier; the API server's minimum is 10 minutes. */
    private static final long TOKEN_SECONDS = 4 * 3600;

    /** Where the kubeconfig will be; known before the control plane starts, so it can be build-time configuration. */
    static Path kubeconfig(Path projectDir) {
        return LocalControlPlane.sharedStateDir(projectDir).resolve(KUBECONFIG_USER + ".kubeconfig");
    }

    @Override
    public Map<String, String> start() {
        LocalControlPlane controlPlane = LocalControlPlane.shared();
        ServiceAccount account = ShippedManifests.operatorServiceAccount(controlPlane.projectDir());
        String namespace = account.getMetadata().getNamespace();
        String token = controlPlane.admin().serviceAccounts().inNamespace(namespace)
                .withName(account.getMetadata().getName())
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(TOKEN_SECONDS).endSpec().build())
                .getStatus().getToken();
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

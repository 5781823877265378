package org.ferretdboperator.controlplane;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.ShippedManifests;

/**
 * The operator as it runs in production, in-process: Server-Side Apply on (the config profile is not {@code test},
 * whose {@code %test.} settings switch it off for the mock server), CRDs taken from kubernetes/crds as users install them
 * rather than applied by the SDK, and authenticated as its ServiceAccount, so it holds only the shipped RBAC.
 * Every test class with this profile shares one running operator.
 */
public class OperatorUnderTest implements QuarkusTestProfile {

    @Override
    public String getConfigProfile() {
        return "controlplane";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Path projectDir = LocalControlPlane.locateProjectDir();
        return Map.of(
                // Build-time configuration of the client: written by OperatorServiceAccountCredentials before the start.
                "quarkus.kubernetes-client.kubeconfig-file", OperatorServiceAccountCredentials.kubeconfig(projectDir).toString(),
                "quarkus.kubernetes-client.namespace",
                ShippedManifests.operatorServiceAccount(projectDir).getMetadata().getNamespace(),
                "quarkus.operator-sdk.enable-ssa", "true",
                "quarkus.operator-sdk.crd.apply", "false",
                // One operator instance per test JVM; a Lease would only delay the start.
                "quarkus.operator-sdk.activate-leader-election-for-profiles", "prod",
                "quarkus.kubernetes-client.devservices.enabled", "false",
                // Other test JVMs on this machine may hold the default test port.
                "quarkus.http.test-port", "0");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OperatorServiceAccountCredentials.class));
    }
}

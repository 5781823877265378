package org.ferretdboperator.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.RequiresControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KubeDB's own FerretDBOpsRequest and PostgresOpsRequest examples (src/test/resources/kubedb-opsrequests) create
 * unchanged against the shipped CRDs on the real API server, and read back with every field they set (nothing pruned:
 * the blocks of types not carried out yet are preserved as written).
 */
@RequiresControlPlane
class OpsRequestFixturesIT {

    private static final Path FIXTURES = Path.of("src", "test", "resources", "kubedb-opsrequests");
    private static final String NAMESPACE = "ops-fixtures";
    private static LocalControlPlane controlPlane;

    @BeforeAll
    static void namespace() {
        controlPlane = LocalControlPlane.shared();
        controlPlane.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                .build()).create();
    }

    @AfterAll
    static void cleanUp() {
        if (controlPlane != null) {
            controlPlane.admin().namespaces().withName(NAMESPACE).delete();
        }
    }

    @Test
    void kubeDbExamplesCreateUnchangedAndKeepEveryField() throws IOException {
        List<Path> fixtures;
        try (Stream<Path> files = Files.list(FIXTURES)) {
            fixtures = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(fixtures).hasSizeGreaterThanOrEqualTo(10);
        for (Path fixture : fixtures) {
            GenericKubernetesResource object = Serialization.unmarshal(Files.readString(fixture), GenericKubernetesResource.class);
            // the namespace is the only change: every example says "demo", which other tests own
            object.getMetadata().setNamespace(NAMESPACE);
            GenericKubernetesResource created = controlPlane.admin().resource(object).create();
            @SuppressWarnings("unchecked")
            Map<String, Object> written = (Map<String, Object>) object.getAdditionalProperties().get("spec");
            @SuppressWarnings("unchecked")
            Map<String, Object> stored = (Map<String, Object>) created.getAdditionalProperties().get("spec");
            assertThat(stored).as("%s as stored", fixture.getFileName()).containsAllEntriesOf(written);
            assertThat(stored.get("apply")).as("%s apply (KubeDB default IfReady)", fixture.getFileName())
                    .isEqualTo(written.getOrDefault("apply", "IfReady"));
        }
    }

    @Test
    void anUnknownTypeIsRejectedNamingTheField() {
        GenericKubernetesResource bad = Serialization.unmarshal("""
                apiVersion: ops.kubedb.com/v1alpha1
                kind: PostgresOpsRequest
                metadata: {name: bad-type, namespace: %s}
                spec: {type: Explode, databaseRef: {name: pg}}
                """.formatted(NAMESPACE), GenericKubernetesResource.class);
        assertThatThrownBy(() -> controlPlane.admin().resource(bad).create())
                .isInstanceOf(KubernetesClientException.class).hasMessageContaining("spec.type");
    }
}

package org.ferretdboperator.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of invalid objects in {@code src/test/resources/invalid-objects/} (format in its README), each with the
 * exact message a user must get. Schema cases are checked against the CRDs the operator generated and applied to the
 * mock API server; reconciler cases are created and must end with a Ready=False condition carrying the message, a
 * Warning event, and no workload.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class InvalidObjectsTest {

    static final Path TABLE = Path.of("src", "test", "resources", "invalid-objects");
    static final String PREFIX = "test.ferretdb-operator.org/";
    static final String NAMESPACE = "invalid-objects";

    @Inject
    KubernetesClient client;

    static Stream<Path> table() throws IOException {
        return Files.list(TABLE).filter(f -> f.toString().endsWith(".yaml")).sorted();
    }

    @BeforeEach
    void setUp() throws IOException {
        if (client.namespaces().withName(NAMESPACE).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                    .build()).create();
        }
        try (Stream<Path> files = Files.list(Path.of("kubernetes", "catalog"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                GenericKubernetesResource version = documents(file).get(0);
                if (client.resource(version).get() == null) {
                    client.resource(version).create();
                }
            }
        }
    }

    @Test
    void tableHasAtLeastFifteenCasesOfEachKindOfRejection() throws IOException {
        List<String> tiers = table().map(file -> annotation(underTest(file), "rejected-by")).toList();
        assertThat(tiers).hasSizeGreaterThanOrEqualTo(15).containsOnly("schema", "reconciler");
        assertThat(tiers.stream().filter("schema"::equals).count()).isGreaterThanOrEqualTo(15);
        assertThat(tiers.stream().filter("reconciler"::equals).count()).isGreaterThanOrEqualTo(4);
    }

    /** The validator must accept what we ship, or a rejection below would prove nothing. */
    @Test
    void seedAndCatalogPassTheSchema() throws IOException {
        List<Path> valid = Stream.concat(Stream.of(Path.of("..", "shared", "seed", "ferretdb.yaml")),
                Files.list(Path.of("kubernetes", "catalog")).filter(f -> f.toString().endsWith(".yaml"))).toList();
        for (Path file : valid) {
            GenericKubernetesResource object = documents(file).get(0);
            assertThat(validate(object)).as(file.toString()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void rejectedWithAClearMessage(Path file) throws Exception {
        GenericKubernetesResource object = underTest(file);
        String expected = annotation(object, "expected-message");
        assertThat(expected).as("expected-message annotation").isNotBlank();
        switch (annotation(object, "rejected-by")) {
            case "schema" -> assertThat(validate(object)).as("the only error, so the case tests one rule")
                    .singleElement().asString().contains(expected);
            case "reconciler" -> assertRefusedByReconciler(file, object, expected,
                    annotation(object, "expected-reason"));
            default -> throw new AssertionError("rejected-by must be schema or reconciler in " + file);
        }
    }

    private void assertRefusedByReconciler(Path file, GenericKubernetesResource object, String expected,
            String reason) throws IOException {
        assertThat(validate(object)).as("a reconciler case must pass the schema").isEmpty();
        List<GenericKubernetesResource> documents = documents(file);
        for (GenericKubernetesResource fixture : documents.subList(0, documents.size() - 1)) {
            client.resource(fixture).create();
        }
        client.resource(object).create();
        String name = object.getMetadata().getName();

        Condition ready = await().atMost(Duration.ofSeconds(30)).until(() -> readyCondition(name),
                c -> c != null && "False".equals(c.getStatus()) && reason.equals(c.getReason()));
        assertThat(ready.getMessage()).contains(expected);
        assertThat(client.resources(FerretDB.class).inNamespace(NAMESPACE).withName(name).get().getStatus()
                .getPhase()).isEqualTo(org.ferretdboperator.api.common.Phase.NOT_READY);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.v1().events()
                .inNamespace(NAMESPACE).list().getItems())
                .anySatisfy(event -> {
                    assertThat(event.getInvolvedObject().getName()).isEqualTo(name);
                    assertThat(event.getType()).isEqualTo("Warning");
                    assertThat(event.getReason()).isEqualTo(reason);
                    assertThat(event.getMessage()).contains(expected);
                }));
        assertThat(client.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get()).as("no workload").isNull();
        assertThat(client.secrets().inNamespace(NAMESPACE).withName(name + "-auth").get()).isNull();
    }

    private Condition readyCondition(String name) {
        FerretDB ferretdb = client.resources(FerretDB.class).inNamespace(NAMESPACE).withName(name).get();
        if (ferretdb == null || ferretdb.getStatus() == null) {
            return null;
        }
        return ferretdb.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst()
                .orElse(null);
    }

    private List<String> validate(GenericKubernetesResource object) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().list().getItems()
                .stream().filter(d -> d.getSpec().getNames().getKind().equals(object.getKind())
                        && object.getApiVersion().startsWith(d.getSpec().getGroup() + "/"))
                .findFirst().orElseThrow(() -> new AssertionError("no CRD for " + object.getKind()));
        String version = object.getApiVersion().substring(object.getApiVersion().indexOf('/') + 1);
        JSONSchemaProps schema = crd.getSpec().getVersions().stream().filter(v -> v.getName().equals(version))
                .findFirst().orElseThrow().getSchema().getOpenAPIV3Schema();
        ObjectNode json = client.getKubernetesSerialization().convertValue(object, ObjectNode.class);
        return CrdSchemaValidator.validate(schema, json);
    }

    private GenericKubernetesResource underTest(Path file) {
        try {
            List<GenericKubernetesResource> documents = documents(file);
            return documents.get(documents.size() - 1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<GenericKubernetesResource> documents(Path file) throws IOException {
        return Arrays.stream(Files.readString(file).split("(?m)^---\\s*$"))
                .filter(doc -> !doc.isBlank())
                .map(doc -> client.getKubernetesSerialization().unmarshal(doc, GenericKubernetesResource.class))
                .toList();
    }

    private static String annotation(GenericKubernetesResource object, String key) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(PREFIX + key);
    }
}

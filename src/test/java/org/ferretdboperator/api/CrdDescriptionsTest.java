package org.ferretdboperator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl explain} shows something for every field of our API: each field of a class in the api package carries
 * a {@code @JsonPropertyDescription} (the only description the fabric8 CRD generator reads: it sees Jackson's
 * metadata, not Javadoc), the shipped CRDs carry it, and each kind, spec and status is described by
 * {@link CrdPostProcessor}. The kinds are in KubeDB's categories, so {@code kubectl get kubedb} lists them.
 */
class CrdDescriptionsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path CLASSES = Path.of("target", "classes");
    private static final Path CRDS = Path.of("kubernetes", "crds");

    @Test
    void everyFieldOfTheApiHasADescription() throws Exception {
        List<String> missing = new ArrayList<>();
        List<Class<?>> classes = apiClasses();
        assertThat(classes).as("api classes under " + CLASSES).hasSizeGreaterThan(20);
        for (Class<?> type : classes) {
            if (type.isEnum() || type.isInterface()) {
                continue;
            }
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
                    continue;
                }
                JsonPropertyDescription d = field.getAnnotation(JsonPropertyDescription.class);
                if (d == null || d.value().isBlank()) {
                    missing.add(type.getSimpleName() + "." + field.getName());
                }
            }
        }
        assertThat(missing).as("fields without @JsonPropertyDescription").isEmpty();
    }

    @Test
    void shippedCrdsDescribeKindsSpecStatusAndFieldsAndHaveKubeDbCategories() throws Exception {
        Map<String, List<String>> categories = Map.of(
                "ferretdbs.kubedb.com.yaml", List.of("datastore", "kubedb", "appscode", "all"),
                "postgreses.kubedb.com.yaml", List.of("datastore", "kubedb", "appscode", "all"),
                "ferretdbversions.catalog.kubedb.com.yaml", List.of("catalog", "kubedb", "appscode"),
                "postgresopsrequests.ops.kubedb.com.yaml", List.of("ops", "kubedb", "appscode"),
                "ferretdbopsrequests.ops.kubedb.com.yaml", List.of("datastore", "kubedb", "appscode"));
        for (var entry : categories.entrySet()) {
            JsonNode crd = YAML.readTree(CRDS.resolve(entry.getKey()).toFile());
            List<String> actual = new ArrayList<>();
            crd.at("/spec/names/categories").forEach(c -> actual.add(c.asText()));
            assertThat(actual).as(entry.getKey() + " categories").containsExactlyElementsOf(entry.getValue());
            JsonNode root = crd.at("/spec/versions/0/schema/openAPIV3Schema");
            assertThat(root.path("description").asText()).as(entry.getKey() + " kind").isNotBlank();
            assertThat(root.at("/properties/spec/description").asText()).as(entry.getKey() + " spec").isNotBlank();
            assertThat(root.at("/properties/status/description").asText()).as(entry.getKey() + " status").isNotBlank();
            root.at("/properties/spec/properties").fields().forEachRemaining(f -> assertThat(f.getValue().path("description")
                    .asText()).as(entry.getKey() + " spec." + f.getKey()).isNotBlank());
        }
        JsonNode fr = YAML.readTree(CRDS.resolve("ferretdbs.kubedb.com.yaml").toFile());
        assertThat(fr.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/backend/properties/streamingMode/description")
                .asText()).contains("Synchronous");
    }

    private static List<Class<?>> apiClasses() throws Exception {
        Path dir = CLASSES.resolve("org/ferretdboperator/api");
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$")).toList()) {
                String name = CLASSES.relativize(f).toString().replace('/', '.').replaceFirst("\\.class$", "");
                Class<?> type = Class.forName(name);
                if (type.getPackageName().equals("org.ferretdboperator.api")) {
                    continue; // the post-processors, not API types
                }
                classes.add(type);
            }
        }
        return classes;
    }
}

package org.ferretdboperator.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One row of the invalid-object table in src/test/resources/invalid-objects/ (format: that folder's README). A file
 * holds fixtures first (objects without annotations, e.g. a Secret the row refers to) and last the object under test,
 * annotated with {@value #EXPECTED_MESSAGE} (text the rejection must contain) and {@value #REJECTED_BY}: {@code schema}
 * (the API server's schema or CEL rules reject it) or {@code reconciler} (accepted; the operator reports the message
 * in a status condition and deploys nothing). The test annotations are removed before anything is sent.
 */
public record InvalidObject(String source, List<GenericKubernetesResource> fixtures, GenericKubernetesResource object,
        String expectedMessage, Where expectedIn) {

    public static final Path TABLE = Path.of("src", "test", "resources", "invalid-objects");
    static final String PREFIX = "test.ferretdb-operator.org/";
    static final String EXPECTED_MESSAGE = PREFIX + "expected-message";
    static final String REJECTED_BY = PREFIX + "rejected-by";

    public enum Where {
        API_SERVER, STATUS
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Every row of the table, in file-name order. */
    public static List<InvalidObject> table(Path projectDir) {
        List<Path> files;
        try (Stream<Path> list = Files.list(projectDir.resolve(TABLE))) {
            files = list.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files.stream().map(InvalidObject::read).toList();
    }

    static InvalidObject read(Path file) {
        List<GenericKubernetesResource> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (iterator.hasNext()) {
                JsonNode document = iterator.next();
                if (document != null && !document.isNull() && !document.isEmpty()) {
                    documents.add(YAML.treeToValue(document, GenericKubernetesResource.class));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String source = file.getFileName().toString();
        if (documents.isEmpty()) {
            throw new IllegalArgumentException(source + " holds no object");
        }
        GenericKubernetesResource object = documents.get(documents.size() - 1);
        Map<String, String> annotations = object.getMetadata().getAnnotations() == null ? new HashMap<>()
                : new HashMap<>(object.getMetadata().getAnnotations());
        String message = annotations.remove(EXPECTED_MESSAGE);
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException(source + ": the last object has no metadata.annotations." + EXPECTED_MESSAGE);
        }
        String rejectedBy = annotations.remove(REJECTED_BY);
        Where expectedIn = switch (rejectedBy == null ? "schema" : rejectedBy) {
            case "schema" -> Where.API_SERVER;
            case "reconciler" -> Where.STATUS;
            default -> throw new IllegalArgumentException(source + ": metadata.annotations." + REJECTED_BY
                    + " must be schema or reconciler, not " + rejectedBy);
        };
        annotations.keySet().removeIf(key -> key.startsWith(PREFIX));
        object.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
        return new InvalidObject(source, List.copyOf(documents.subList(0, documents.size() - 1)), object, message,
                expectedIn);
    }

    @Override
    public String toString() {
        return source;
    }
}

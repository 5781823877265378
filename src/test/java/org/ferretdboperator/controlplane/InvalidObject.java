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
 * One row of the invalid-object table in src/test/resources/invalid-objects/: a YAML object carrying the annotation
 * {@value #EXPECTED_MESSAGE} (text the rejection must contain) and optionally {@value #EXPECTED_IN}: {@code api-server}
 * (default: the API server's schema or CEL rules reject it) or {@code status} (accepted, and the reconciler reports the
 * message in a status condition). The annotations are removed before the object is sent.
 */
public record InvalidObject(String source, GenericKubernetesResource object, String expectedMessage, Where expectedIn) {

    public static final Path TABLE = Path.of("src", "test", "resources", "invalid-objects");
    static final String EXPECTED_MESSAGE = "expected-message";
    static final String EXPECTED_IN = "expected-in";

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
        List<InvalidObject> rows = new ArrayList<>();
        for (Path file : files) {
            rows.addAll(read(file));
        }
        return rows;
    }

    static List<InvalidObject> read(Path file) {
        List<InvalidObject> rows = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            int index = 0;
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isNull() || document.isEmpty()) {
                    continue;
                }
                GenericKubernetesResource object = YAML.treeToValue(document, GenericKubernetesResource.class);
                String source = file.getFileName() + (index++ > 0 ? "#" + index : "");
                rows.add(of(source, object));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return rows;
    }

    private static InvalidObject of(String source, GenericKubernetesResource object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations() == null ? new HashMap<>()
                : new HashMap<>(object.getMetadata().getAnnotations());
        String message = annotations.remove(EXPECTED_MESSAGE);
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException(source + ": metadata.annotations." + EXPECTED_MESSAGE + " is missing");
        }
        String where = annotations.remove(EXPECTED_IN);
        Where expectedIn = switch (where == null ? "api-server" : where) {
            case "api-server" -> Where.API_SERVER;
            case "status" -> Where.STATUS;
            default -> throw new IllegalArgumentException(source + ": metadata.annotations." + EXPECTED_IN
                    + " must be api-server or status, not " + where);
        };
        object.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
        return new InvalidObject(source, object, message, expectedIn);
    }

    @Override
    public String toString() {
        return source;
    }
}

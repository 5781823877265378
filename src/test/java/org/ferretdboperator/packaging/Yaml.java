package org.ferretdboperator.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Multi-document YAML as Jackson trees; empty documents (comments only) are dropped. */
final class Yaml {

    static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

    private Yaml() {
    }

    static List<JsonNode> docs(String yaml) {
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            List<JsonNode> docs = new ArrayList<>();
            for (JsonNode doc : MAPPER.readValues(parser, JsonNode.class).readAll()) {
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> docs(Path file) {
        try {
            return docs(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode one(Path file) {
        List<JsonNode> docs = docs(file);
        if (docs.size() != 1) {
            throw new AssertionError(file + " holds " + docs.size() + " documents, expected 1");
        }
        return docs.get(0);
    }

    /** The *.yaml files of a directory, sorted; none when it does not exist. */
    static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    static JsonNode single(List<JsonNode> docs, String kind, String name) {
        List<JsonNode> found = docs.stream()
                .filter(d -> kind.equals(d.path("kind").asText()) && name.equals(d.path("metadata").path("name").asText()))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    static ObjectNode copy(JsonNode node) {
        return (ObjectNode) node.deepCopy();
    }
}

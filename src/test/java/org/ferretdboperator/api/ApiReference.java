package org.ferretdboperator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The API reference ({@code docs/api-reference.md}) rendered from the CRDs users install ({@code kubernetes/crds/}),
 * whose descriptions come from the api package's Javadoc-like annotations. Fields without a description are those of
 * an embedded Kubernetes type (a pod's affinity, say); they are not repeated here, and the row of their parent says
 * where {@code kubectl explain} shows them.
 */
final class ApiReference {

    static final Path CRDS = Path.of("kubernetes", "crds");
    static final Path DOCUMENT = Path.of("docs", "api-reference.md");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ApiReference() {
    }

    static String render(Path crdDirectory) {
        List<JsonNode> crds = new ArrayList<>();
        try (Stream<Path> files = Files.list(crdDirectory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                crds.add(YAML.readTree(file.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CRDs in " + crdDirectory, e);
        }
        if (crds.isEmpty()) {
            throw new IllegalStateException("no CRDs in " + crdDirectory);
        }
        crds.sort(Comparator.comparing((JsonNode crd) -> crd.path("spec").path("group").asText())
                .thenComparing(crd -> crd.path("spec").path("names").path("kind").asText()));

        StringBuilder out = new StringBuilder();
        out.append("# API reference\n\n")
                .append("Rendered from the CRDs in `kubernetes/crds/` by `hack/update-crds.sh`; `ApiReferenceTest` fails when this\n")
                .append("file is stale. Fields of embedded Kubernetes types (a pod's affinity, a volume claim's resources) are not\n")
                .append("repeated: `kubectl explain` shows them, as each such row says.\n\n");
        for (JsonNode crd : crds) {
            JsonNode names = crd.path("spec").path("names");
            out.append("- [").append(names.path("kind").asText()).append(" (").append(crd.path("spec").path("group").asText())
                    .append(")](#").append(anchor(names.path("kind").asText())).append(")\n");
        }
        out.append('\n');
        for (JsonNode crd : crds) {
            renderCrd(crd, out);
        }
        return out.toString();
    }

    private static void renderCrd(JsonNode crd, StringBuilder out) {
        JsonNode spec = crd.path("spec");
        JsonNode names = spec.path("names");
        String plural = names.path("plural").asText();
        out.append("## ").append(names.path("kind").asText()).append("\n\n");
        out.append("- Group: `").append(spec.path("group").asText()).append("`; scope: ").append(spec.path("scope").asText())
                .append('\n');
        out.append("- Names: `").append(plural).append('`');
        for (JsonNode shortName : names.path("shortNames")) {
            out.append(", `").append(shortName.asText()).append('`');
        }
        out.append('\n');
        if (names.has("categories")) {
            List<String> categories = new ArrayList<>();
            names.path("categories").forEach(c -> categories.add("`" + c.asText() + "`"));
            out.append("- Categories: ").append(String.join(", ", categories)).append('\n');
        }
        for (JsonNode version : spec.path("versions")) {
            out.append("\n### ").append(spec.path("group").asText()).append('/').append(version.path("name").asText());
            List<String> flags = new ArrayList<>();
            if (version.path("served").asBoolean(false)) {
                flags.add("served");
            }
            if (version.path("storage").asBoolean(false)) {
                flags.add("storage");
            }
            if (!flags.isEmpty()) {
                out.append(" (").append(String.join(", ", flags)).append(')');
            }
            out.append("\n\n");
            JsonNode schema = version.path("schema").path("openAPIV3Schema");
            if (schema.has("description")) {
                out.append(cell(schema.path("description").asText())).append("\n\n");
            }
            if (version.has("additionalPrinterColumns")) {
                List<String> columns = new ArrayList<>();
                version.path("additionalPrinterColumns")
                        .forEach(c -> columns.add("`" + c.path("name").asText() + "` (`" + c.path("jsonPath").asText() + "`)"));
                out.append("`kubectl get ").append(plural).append("` columns besides NAME: ").append(String.join(", ", columns))
                        .append(".\n\n");
            }
            out.append("| Field | Type | Description |\n|---|---|---|\n");
            JsonNode properties = schema.path("properties");
            Set<String> required = requiredOf(schema);
            for (Map.Entry<String, JsonNode> field : properties.properties()) {
                if (!Set.of("apiVersion", "kind", "metadata").contains(field.getKey())) {
                    renderField(plural, field.getKey(), field.getValue(), required.contains(field.getKey()), out);
                }
            }
            out.append('\n');
        }
    }

    private static void renderField(String plural, String path, JsonNode field, boolean required, StringBuilder out) {
        JsonNode element = field;
        String type = field.path("type").asText("");
        if ("array".equals(type)) {
            element = field.path("items");
            type = "[]" + element.path("type").asText("");
        } else if (field.path("additionalProperties").isObject()) {
            element = field.path("additionalProperties");
            type = "map[string]" + element.path("type").asText("");
        }
        if (field.path("x-kubernetes-int-or-string").asBoolean(false)) {
            type = "int-or-string";
        }
        List<String> notes = new ArrayList<>();
        if (required) {
            notes.add("**required**");
        }
        if (field.has("enum")) {
            List<String> values = new ArrayList<>();
            field.path("enum").forEach(v -> values.add("`" + v.asText() + "`"));
            notes.add("one of " + String.join(", ", values));
        }
        if (field.has("default")) {
            notes.add("default `" + field.path("default").toString().replace("\"", "") + "`");
        }
        if (field.has("pattern")) {
            notes.add("pattern `" + field.path("pattern").asText() + "`");
        }
        if (field.has("minimum")) {
            notes.add("minimum " + number(field.path("minimum")));
        }
        if (field.has("maximum")) {
            notes.add("maximum " + number(field.path("maximum")));
        }
        if (field.has("minLength")) {
            notes.add("minimum length " + field.path("minLength").asText());
        }
        String rowPath = "array".equals(field.path("type").asText("")) ? path + "[]" : path;
        JsonNode children = element.path("properties");
        boolean undocumentedChildren = false;
        for (Map.Entry<String, JsonNode> child : children.properties()) {
            if (!child.getValue().has("description")) {
                undocumentedChildren = true;
            }
        }
        String description = cell(field.path("description").asText(""));
        if (undocumentedChildren) {
            description = description + (description.isEmpty() ? "" : " ") + "Its other fields are the Kubernetes type's: `kubectl explain "
                    + plural + "." + path.replace("[]", "") + "`.";
        }
        if (!notes.isEmpty()) {
            description = description + (description.isEmpty() ? "" : " ") + "(" + String.join("; ", notes) + ")";
        }
        out.append("| `").append(rowPath).append("` | ").append(type).append(" | ").append(description).append(" |\n");
        Set<String> requiredChildren = requiredOf(element);
        for (Map.Entry<String, JsonNode> child : children.properties()) {
            if (child.getValue().has("description")) {
                renderField(plural, rowPath + "." + child.getKey(), child.getValue(), requiredChildren.contains(child.getKey()),
                        out);
            }
        }
    }

    private static String number(JsonNode value) {
        return value.isIntegralNumber() || value.asDouble() == Math.rint(value.asDouble())
                ? Long.toString(value.asLong()) : value.asText();
    }

    private static Set<String> requiredOf(JsonNode schema) {
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        return required;
    }

    private static String cell(String text) {
        return text.replace("\r", "").replace("\n", " ").replace("|", "\\|").strip();
    }

    private static String anchor(String heading) {
        return heading.toLowerCase().replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }
}

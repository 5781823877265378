package org.ferretdboperator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * docs/api-reference.md is what {@link ApiReference} renders from the committed CRDs. With
 * {@code -Dapi-reference.update=true} (hack/update-crds.sh) it rewrites the document instead of comparing.
 */
class ApiReferenceTest {

    @Test
    void theApiReferenceIsRenderedFromTheCommittedCrds() throws IOException {
        String rendered = ApiReference.render(ApiReference.CRDS);
        if (Boolean.getBoolean("api-reference.update")) {
            Files.writeString(ApiReference.DOCUMENT, rendered);
        }
        assertThat(ApiReference.DOCUMENT).as("the API reference; run hack/update-crds.sh").exists();
        assertThat(Files.readString(ApiReference.DOCUMENT))
                .as("%s is stale; run hack/update-crds.sh", ApiReference.DOCUMENT)
                .isEqualTo(rendered);
    }

    /**
     * Every field the guide's manifest sets has a described row, or its nearest described ancestor (an embedded
     * Kubernetes type such as the storage claim) points at {@code kubectl explain}.
     */
    @Test
    void everyFieldOfTheGuidesManifestIsDocumented() throws IOException {
        String rendered = ApiReference.render(ApiReference.CRDS);
        int start = rendered.indexOf("## FerretDB\n");
        assertThat(start).as("a FerretDB section").isNotNegative();
        int end = rendered.indexOf("\n## ", start + 1);
        String ferretDb = rendered.substring(start, end < 0 ? rendered.length() : end);
        JsonNode seed = new ObjectMapper(new YAMLFactory()).readTree(java.nio.file.Path.of(System.getProperty("ferretdb.seed", "../shared/seed/ferretdb.yaml")).toFile());

        List<String> paths = new ArrayList<>();
        leafPaths(seed.path("spec"), "spec", paths);

        assertThat(paths).as("fields of the guide's manifest").contains("spec.version", "spec.deletionPolicy");
        for (String path : paths) {
            assertThat(documentedRow(ferretDb, path)).as("a described row of %s (or of an ancestor naming kubectl explain)", path)
                    .isPresent();
        }
    }

    private static java.util.Optional<String> documentedRow(String reference, String path) {
        for (String candidate = path; candidate.contains("."); candidate = candidate.substring(0, candidate.lastIndexOf('.'))) {
            String prefix = "| `" + candidate + "` | ";
            java.util.Optional<String> row = reference.lines().filter(line -> line.startsWith(prefix)).findFirst();
            if (row.isPresent()) {
                String description = row.get().substring(row.get().indexOf(" | ", prefix.length()) + 3);
                boolean described = description.matches("[A-Z].*");
                boolean exact = candidate.equals(path);
                return described && (exact || description.contains("kubectl explain")) ? row : java.util.Optional.empty();
            }
        }
        return java.util.Optional.empty();
    }

    private static void leafPaths(JsonNode node, String path, List<String> paths) {
        if (node.isObject()) {
            node.properties().forEach(field -> leafPaths(field.getValue(), path + "." + field.getKey(), paths));
        } else if (node.isArray()) {
            paths.add(path + "[]");
        } else {
            paths.add(path);
        }
    }
}

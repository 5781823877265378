package org.ferretdboperator.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.ferretdboperator.api.catalog.FerretDBVersion;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithKubernetesTestServer(crud = true)
class FerretDBVersionReconcilerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    KubernetesClient client;

    @Test
    void everyShippedCatalogEntryIsValid() throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.list(Path.of("kubernetes", "catalog"))) {
            names = files.filter(f -> f.toString().endsWith(".yaml")).map(this::createIfAbsent).toList();
        }
        assertThat(names).contains("1.18.0", "1.23.0", "1.24.0", "2.0.0");
        for (String name : names) {
            await().atMost(TIMEOUT).untilAsserted(() -> {
                FerretDBVersion version = client.resources(FerretDBVersion.class).withName(name).get();
                assertThat(version.getStatus()).as(name).isNotNull();
                assertThat(version.getStatus().getPhase()).as(name).isEqualTo("Valid");
            });
        }
    }

    @Test
    void anInvalidEntryIsReportedUntilFixed() {
        FerretDBVersion broken = client.getKubernetesSerialization().unmarshal("""
                apiVersion: catalog.kubedb.com/v1alpha1
                kind: FerretDBVersion
                metadata:
                  name: broken-2.0.0
                spec:
                  version: "2.0.0"
                  db:
                    image: ghcr.io/ferretdb/ferretdb:2.0.0
                  postgres:
                    version: "17.4"
                    image: docker.io/library/postgres:17.4-bookworm
                """, FerretDBVersion.class);
        client.resource(broken).create();
        await().atMost(TIMEOUT).untilAsserted(() -> {
            FerretDBVersion version = client.resources(FerretDBVersion.class).withName("broken-2.0.0").get();
            assertThat(version.getStatus()).isNotNull();
            assertThat(version.getStatus().getPhase()).isEqualTo("Invalid");
            assertThat(valid(version)).satisfies(c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getMessage()).startsWith("spec.postgres.distribution must be DocumentDB");
            });
        });

        client.resources(FerretDBVersion.class).withName("broken-2.0.0").patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"postgres\":{\"distribution\":\"DocumentDB\",\"version\":\"17-documentdb\","
                        + "\"image\":\"ghcr.io/ferretdb/postgres-documentdb:17-0.102.0-ferretdb-2.0.0\"}}}");
        await().atMost(TIMEOUT).untilAsserted(() -> {
            FerretDBVersion version = client.resources(FerretDBVersion.class).withName("broken-2.0.0").get();
            assertThat(version.getStatus().getPhase()).isEqualTo("Valid");
            assertThat(version.getStatus().getConditions()).singleElement()
                    .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
            assertThat(version.getStatus().getObservedGeneration()).isEqualTo(version.getMetadata().getGeneration());
        });
    }

    private static Condition valid(FerretDBVersion version) {
        return version.getStatus().getConditions().stream().filter(c -> c.getType().equals("Valid")).findFirst()
                .orElseThrow();
    }

    private String createIfAbsent(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            FerretDBVersion version = client.getKubernetesSerialization().unmarshal(in, FerretDBVersion.class);
            if (client.resource(version).get() == null) {
                client.resource(version).create();
            }
            return version.getMetadata().getName();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

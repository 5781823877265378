package org.ferretdboperator.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The manifests under kubernetes/ that a user installs, applied the way `kubectl apply --server-side` applies them:
 * CRDs first (waiting until they are served), then the operator's RBAC, the default FerretDBVersion catalog and the
 * admission policies when those directories exist.
 */
public final class ShippedManifests {

    public static final Path CRDS = Path.of("kubernetes", "crds");
    public static final Path RBAC = Path.of("kubernetes", "rbac");
    public static final Path CATALOG = Path.of("kubernetes", "catalog");
    public static final Path ADMISSION = Path.of("kubernetes", "admission");
    /** The operator's Namespace, ServiceAccount, RBAC, Service and Deployment in one file. */
    public static final Path OPERATOR = Path.of("kubernetes", "operator", "ferretdb-operator.yaml");

    public static final String FIELD_MANAGER = "ferretdb-operator-tests";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ShippedManifests() {
    }

    public static void install(KubernetesClient admin, Path projectDir) {
        installCrds(admin, projectDir);
        for (Path dir : List.of(RBAC, CATALOG, ADMISSION)) {
            if (Files.isDirectory(projectDir.resolve(dir))) {
                load(admin, projectDir.resolve(dir)).forEach(object -> apply(admin, object));
            }
        }
    }

    /** The CRDs, waiting (with a deadline) until each is Established. */
    public static void installCrds(KubernetesClient admin, Path projectDir) {
        List<HasMetadata> crds = load(admin, projectDir.resolve(CRDS));
        if (crds.isEmpty()) {
            throw new IllegalStateException("no CRDs in " + projectDir.resolve(CRDS));
        }
        crds.forEach(crd -> apply(admin, crd));
        for (HasMetadata crd : crds) {
            admin.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(ShippedManifests::established, 60, TimeUnit.SECONDS);
        }
    }

    public static boolean established(CustomResourceDefinition crd) {
        // A CRD just created has a status before the API server has written its first condition.
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
                && crd.getStatus().getConditions().stream()
                .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The operator's ServiceAccount: the one ServiceAccount the shipped RBAC defines. */
    public static ServiceAccount operatorServiceAccount(Path projectDir) {
        KubernetesSerialization serialization = new KubernetesSerialization();
        List<ServiceAccount> accounts = new ArrayList<>();
        for (Path file : yamlFiles(projectDir.resolve(RBAC))) {
            try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                while (documents.hasNext()) {
                    JsonNode document = documents.next();
                    if (document != null && "ServiceAccount".equals(document.path("kind").asText())) {
                        accounts.add(serialization.convertValue(document, ServiceAccount.class));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (accounts.size() != 1) {
            throw new IllegalStateException("expected exactly one ServiceAccount in " + RBAC + ", found " + accounts.size());
        }
        return accounts.get(0);
    }

    /** Every object of every *.yaml/*.yml file in the directory (or the file), in file-name order. */
    public static List<HasMetadata> load(KubernetesClient client, Path dirOrFile) {
        List<HasMetadata> objects = new ArrayList<>();
        for (Path file : Files.isDirectory(dirOrFile) ? yamlFiles(dirOrFile) : List.of(dirOrFile)) {
            try (InputStream in = Files.newInputStream(file)) {
                objects.addAll(client.load(in).items());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return objects;
    }

    private static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void apply(KubernetesClient admin, HasMetadata object) {
        admin.resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }
}

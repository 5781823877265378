package org.ferretdboperator.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.Prerequisite;
import org.ferretdboperator.testsupport.RequiresControlPlane;
import org.ferretdboperator.testsupport.ShippedManifests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The committed CRDs install on a real API server, and the guide's first steps work unchanged with the real kubectl:
 * {@code kubectl create -f ../shared/seed/ferretdb.yaml}, {@code kubectl get ferretdbversions}, {@code kubectl get fr -n demo}.
 */
@RequiresControlPlane
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrdInstallIT {

    /** A catalog entry of this test's own, so the columns can be checked with or without the default catalog. */
    private static final String OWN_VERSION = "0.0.1-crdinstallit";

    private static LocalControlPlane controlPlane;

    @BeforeAll
    static void startControlPlane() {
        controlPlane = LocalControlPlane.shared();
    }

    @AfterAll
    static void cleanUp() {
        if (controlPlane != null) {
            controlPlane.kubectl("delete", "ferretdbversion", OWN_VERSION, "--ignore-not-found", "--wait=false");
            controlPlane.kubectl("delete", "namespace", "demo", "--ignore-not-found", "--wait=false");
        }
    }

    @Test
    @Order(1)
    void committedCrdsAreEstablishedWithTheGuidesNames() {
        List<HasMetadata> committed = ShippedManifests.load(controlPlane.admin(), controlPlane.projectDir().resolve(ShippedManifests.CRDS));
        Map<String, CustomResourceDefinitionNames> served = committed.stream()
                .map(crd -> controlPlane.admin().apiextensions().v1().customResourceDefinitions()
                        .withName(crd.getMetadata().getName()).get())
                .peek(crd -> assertThat(ShippedManifests.established(crd)).as("%s is Established", crd.getMetadata().getName()).isTrue())
                .collect(Collectors.toMap(crd -> crd.getSpec().getGroup() + "/" + crd.getSpec().getNames().getKind(),
                        crd -> crd.getSpec().getNames()));
        assertThat(served).containsOnlyKeys("kubedb.com/FerretDB", "kubedb.com/Postgres", "catalog.kubedb.com/FerretDBVersion",
                "ops.kubedb.com/PostgresOpsRequest", "ops.kubedb.com/FerretDBOpsRequest");
        assertThat(served.get("ops.kubedb.com/PostgresOpsRequest").getShortNames()).containsExactly("pgops");
        assertThat(served.get("ops.kubedb.com/FerretDBOpsRequest").getShortNames()).containsExactly("frops");
        assertThat(served.get("kubedb.com/FerretDB").getShortNames()).contains("fr");
        assertThat(served.get("kubedb.com/Postgres").getShortNames()).contains("pg");
        assertThat(served.get("catalog.kubedb.com/FerretDBVersion").getPlural()).isEqualTo("ferretdbversions");

        CustomResourceDefinition ferretdb = controlPlane.admin().apiextensions().v1().customResourceDefinitions()
                .withName("ferretdbs.kubedb.com").get();
        assertThat(ferretdb.getSpec().getVersions()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("v1alpha2");
            assertThat(v.getServed()).isTrue();
            assertThat(v.getSubresources().getStatus()).as("status subresource").isNotNull();
        });
    }

    @Test
    @Order(2)
    void theGuidesManifestCreatesUnchanged() {
        Path seed = controlPlane.projectDir().resolve(Seed.FILE).normalize();
        Prerequisite.require(Files.isRegularFile(seed), "the guide's manifest " + seed + " is not there");
        controlPlane.kubectl("create", "namespace", "demo").requireSuccess();

        Command.Result created = controlPlane.kubectl("create", "-f", seed.toString());

        assertThat(created.exitCode()).as(created.describe()).isZero();
        assertThat(created.stdout().strip()).isEqualTo("ferretdb.kubedb.com/ferret created");
    }

    @Test
    @Order(3)
    void getFrShowsTheGuidesColumns() {
        Command.Result get = controlPlane.kubectl("get", "fr", "-n", "demo");

        assertThat(get.exitCode()).as(get.describe()).isZero();
        List<String> lines = get.stdout().lines().toList();
        assertThat(columns(lines.get(0))).containsExactly("NAME", "NAMESPACE", "VERSION", "STATUS", "AGE");
        assertThat(columns(lines.get(1))).startsWith("ferret", "demo", "2.0.0");
    }

    @Test
    @Order(4)
    void getFerretdbversionsShowsTheGuidesColumns() {
        Command.Result created = controlPlane.kubectl("create", "-f", writeOwnCatalogEntry().toString());
        assertThat(created.exitCode()).as(created.describe()).isZero();

        Command.Result get = controlPlane.kubectl("get", "ferretdbversions");

        assertThat(get.exitCode()).as(get.describe()).isZero();
        List<String> lines = get.stdout().lines().toList();
        assertThat(columns(lines.get(0))).containsExactly("NAME", "VERSION", "DB_IMAGE", "DEPRECATED", "AGE");
        assertThat(lines).anySatisfy(line -> assertThat(columns(line))
                .startsWith(OWN_VERSION, "0.0.1", "ghcr.io/ferretdb/ferretdb:0.0.1", "true"));
    }

    /**
     * What a KubeDB user types first: {@code kubectl get kubedb -A} (and {@code datastore}) lists the objects through the
     * CRDs' categories, and {@code kubectl explain} describes the fields.
     */
    @Test
    @Order(6)
    void kubectlGetKubedbListsTheObjectsAndExplainDescribesTheFields() {
        Command.Result kubedb = controlPlane.kubectl("get", "kubedb", "-A");
        assertThat(kubedb.exitCode()).as(kubedb.describe()).isZero();
        assertThat(kubedb.stdout()).as("the guide's FerretDB (order 2) and the catalog")
                .contains("ferretdb.kubedb.com/ferret").contains("ferretdbversion.catalog.kubedb.com/2.0.0");
        Command.Result datastore = controlPlane.kubectl("get", "datastore", "-A");
        assertThat(datastore.exitCode()).as(datastore.describe()).isZero();
        assertThat(datastore.stdout()).contains("ferretdb.kubedb.com/ferret").doesNotContain("ferretdbversion");

        Command.Result explain = controlPlane.kubectl("explain", "fr.spec.backend");
        assertThat(explain.exitCode()).as(explain.describe()).isZero();
        assertThat(explain.stdout()).contains("The PostgreSQL backend the operator creates")
                .contains("streamingMode").contains("Synchronous: a commit waits for a standby");
        Command.Result spec = controlPlane.kubectl("explain", "fr.spec");
        assertThat(spec.stdout()).contains("the FerretDB version (required)");
    }

    /** The guide lists the default catalog (kubernetes/catalog/) and the seed asks for its 2.0.0 entry. */
    @Test
    @Order(5)
    void theDefaultCatalogOffersTheSeedsVersion() {
        Prerequisite.require(Files.isDirectory(controlPlane.projectDir().resolve(ShippedManifests.CATALOG)),
                ShippedManifests.CATALOG + " (the default FerretDBVersion catalog) does not exist yet");

        Command.Result get = controlPlane.kubectl("get", "ferretdbversions", "2.0.0");

        assertThat(get.exitCode()).as(get.describe()).isZero();
        assertThat(columns(get.stdout().lines().toList().get(1))).startsWith("2.0.0", "2.0.0");
    }

    private static Path writeOwnCatalogEntry() {
        Path file = controlPlane.projectDir().resolve("target").resolve(OWN_VERSION + ".yaml");
        try {
            Files.writeString(file, """
                    apiVersion: catalog.kubedb.com/v1alpha1
                    kind: FerretDBVersion
                    metadata:
                      name: %s
                    spec:
                      version: "0.0.1"
                      deprecated: true
                      db:
                        image: ghcr.io/ferretdb/ferretdb:0.0.1
                      postgres:
                        version: "17"
                        image: ghcr.io/ferretdb/postgres-documentdb:17
                    """.formatted(OWN_VERSION));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    private static List<String> columns(String line) {
        return Arrays.asList(line.trim().split("\\s+"));
    }
}

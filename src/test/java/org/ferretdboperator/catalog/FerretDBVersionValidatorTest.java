package org.ferretdboperator.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.ferretdboperator.api.catalog.BackendPostgresSpec;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.api.catalog.ImageSpec;
import org.ferretdboperator.api.catalog.VersionSecurityContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FerretDBVersionValidatorTest {

    @Test
    void usableEntriesOfBothMajors() {
        assertThat(FerretDBVersionValidator.problems(entry("1.24.0", "PostgreSQL"))).isEmpty();
        assertThat(FerretDBVersionValidator.problems(entry("1.18.0", null))).isEmpty();
        assertThat(FerretDBVersionValidator.problems(entry("2.7.0", "DocumentDB"))).isEmpty();
        assertThat(FerretDBVersionValidator.major(entry("2.7.0", "DocumentDB"))).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0} / {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "2.0.0  | PostgreSQL | spec.postgres.distribution must be DocumentDB for FerretDB 2.x",
        "2.0.0  |            | spec.postgres.distribution must be DocumentDB for FerretDB 2.x",
        "1.24.0 | DocumentDB | spec.postgres.distribution must be PostgreSQL or empty for FerretDB 1.x",
        "v1.24  | PostgreSQL | spec.version: \"v1.24\" is not a FerretDB release version such as 1.24.0",
        "3.0.0  | DocumentDB | spec.version: FerretDB 3.x is not supported",
        "0.9.0  | PostgreSQL | spec.version: FerretDB 0.x is not supported",
    })
    void invalidEntriesNameTheirField(String version, String distribution, String message) {
        assertThat(FerretDBVersionValidator.problems(entry(version, distribution))).anySatisfy(
                problem -> assertThat(problem).startsWith(message));
    }

    @Test
    void aDocumentDbEntryNamesItsDistributionInThePostgresVersion() {
        // the backend Postgres object carries only the version: its coordinators configure DocumentDB from the suffix
        FerretDBVersionSpec spec = entry("2.0.0", "DocumentDB");
        spec.getPostgres().setVersion("17.4");
        assertThat(FerretDBVersionValidator.problems(spec)).containsExactly(
                "spec.postgres.version: \"17.4\" must end in -documentdb (as 17-documentdb) when spec.postgres.distribution"
                        + " is DocumentDB");
    }

    @Test
    void missingPartsAreEachReported() {
        FerretDBVersionSpec spec = new FerretDBVersionSpec();
        spec.setVersion("1.24.0");
        spec.setDb(new ImageSpec());
        spec.setPostgres(new BackendPostgresSpec());
        assertThat(FerretDBVersionValidator.problems(spec)).containsExactly(
                "spec.db.image is required", "spec.postgres.version is required", "spec.postgres.image is required");
    }

    @Test
    void postgresVersionMustBeAcceptedByThePostgresKind() {
        FerretDBVersionSpec spec = entry("1.24.0", null);
        spec.getPostgres().setVersion("17.4 bookworm");
        assertThat(FerretDBVersionValidator.problems(spec)).singleElement().asString()
                .startsWith("spec.postgres.version: \"17.4 bookworm\" must look like 17 or 17.4");
    }

    @Test
    void rootIsRefused() {
        FerretDBVersionSpec spec = entry("1.24.0", null);
        spec.setSecurityContext(new VersionSecurityContext());
        spec.getSecurityContext().setRunAsUser(0L);
        assertThat(FerretDBVersionValidator.problems(spec)).containsExactly(
                "spec.securityContext.runAsUser must be a non-root user id (at least 1)");
    }

    @Test
    void healthEndpointsFrom123On() {
        assertThat(FerretDBVersionValidator.hasHealthEndpoints(entry("1.22.0", null))).isFalse();
        assertThat(FerretDBVersionValidator.hasHealthEndpoints(entry("1.23.0", null))).isTrue();
        assertThat(FerretDBVersionValidator.hasHealthEndpoints(entry("2.0.0", "DocumentDB"))).isTrue();
    }

    static FerretDBVersionSpec entry(String version, String distribution) {
        FerretDBVersionSpec spec = new FerretDBVersionSpec();
        spec.setVersion(version);
        spec.setDb(new ImageSpec());
        spec.getDb().setImage("ghcr.io/ferretdb/ferretdb:" + version);
        spec.setPostgres(new BackendPostgresSpec());
        boolean documentDb = "DocumentDB".equals(distribution);
        spec.getPostgres().setVersion(documentDb ? "17-documentdb" : "17.4");
        spec.getPostgres().setImage(documentDb ? "ghcr.io/ferretdb/postgres-documentdb:17-0.102.0-ferretdb-2.0.0" : "postgres:17.4");
        spec.getPostgres().setDistribution(distribution);
        return spec;
    }
}

package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.ferretdboperator.contract.PostgresDistribution;
import org.junit.jupiter.api.Test;

class DocumentDbConfigurationTest {

    private static PostgresFiles files(PostgresDistribution distribution) {
        InstanceSettings settings = new InstanceSettings(Path.of("/d"), 5432, Path.of("/s"), "*", "pg-1",
                new Credentials("postgres", "x".toCharArray()), new Credentials("replicator", "y".toCharArray()),
                Path.of("/p"), "1GB", distribution);
        return new PostgresFiles(settings, null);
    }

    private static List<String> lines(PostgresDistribution distribution) {
        return List.of(files(distribution).postgresqlConf().split("\n"));
    }

    @Test
    void plainPostgresPreloadsNothing() {
        assertThat(lines(PostgresDistribution.POSTGRESQL)).noneMatch(l -> l.startsWith("shared_preload_libraries"))
                .noneMatch(l -> l.startsWith("cron.") || l.startsWith("documentdb."));
    }

    @Test
    void documentDbPreloadsPgCronFirstAndRunsItInDatabasePostgresBeforeTheUsersOverrides() {
        List<String> conf = lines(PostgresDistribution.DOCUMENTDB);
        assertThat(conf).contains("shared_preload_libraries = 'pg_cron,pg_documentdb_core,pg_documentdb'",
                "cron.database_name = 'postgres'", "cron.use_background_workers = on", "documentdb.enableUserCrud = true");
        int preload = conf.indexOf("shared_preload_libraries = 'pg_cron,pg_documentdb_core,pg_documentdb'");
        int include = conf.indexOf("include_if_exists = 'postgresql.custom.conf'");
        assertThat(preload).as("the user's postgresql.custom.conf is read last and may override").isLessThan(include);
        assertThat(conf.get(conf.size() - 1)).isEqualTo("include_if_exists = 'postgresql.custom.conf'");
        // every setting of the plain configuration is still there
        assertThat(conf).containsAll(lines(PostgresDistribution.POSTGRESQL));
    }

    @Test
    void missingLibrariesAreNamedInPreloadOrder() {
        assertThat(DocumentDb.missingLibraries(Set.of("plpgsql.so", "pg_cron.so"))).containsExactly("pg_documentdb_core",
                "pg_documentdb");
        assertThat(DocumentDb.missingLibraries(Set.of("pg_cron.so", "pg_documentdb_core.so", "pg_documentdb.so"))).isEmpty();
    }

    @Test
    void theDistributionIsNamedByThePostgresVersionAsInKubeDbsCatalog() {
        assertThat(PostgresDistribution.ofVersion("17.4-documentdb")).isEqualTo(PostgresDistribution.DOCUMENTDB);
        assertThat(PostgresDistribution.ofVersion("17-DocumentDB")).isEqualTo(PostgresDistribution.DOCUMENTDB);
        assertThat(PostgresDistribution.ofVersion("17.4")).isEqualTo(PostgresDistribution.POSTGRESQL);
        assertThat(PostgresDistribution.ofVersion(null)).isEqualTo(PostgresDistribution.POSTGRESQL);
        assertThat(PostgresDistribution.parse("DocumentDB")).isEqualTo(PostgresDistribution.DOCUMENTDB);
        assertThat(PostgresDistribution.parse("documentdb")).as("the env value is exact").isNull();
    }
}

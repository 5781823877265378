package org.ferretdboperator.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CoordinatorConfigTest {

    static Map<String, String> pod() {
        Map<String, String> env = new HashMap<>();
        env.put("POD_NAME", "ferret-pg-backend-1");
        env.put("POD_NAMESPACE", "demo");
        env.put("POSTGRES_NAME", "ferret-pg-backend");
        env.put("REPLICAS", "3");
        env.put("GOVERNING_SERVICE", "ferret-pg-backend-pods");
        env.put("SUPERUSER_SECRET_DIR", "/etc/pg-coordinator/secrets/ferret-pg-backend-auth");
        env.put("REPLICATION_SECRET_DIR", "/etc/pg-coordinator/secrets/ferret-pg-backend-replication");
        return env;
    }

    @Test
    void podDefaultsFollowThePodContract() {
        CoordinatorConfig c = CoordinatorConfig.fromEnvironment(pod());
        assertThat(c.members()).containsExactly("ferret-pg-backend-0", "ferret-pg-backend-1", "ferret-pg-backend-2");
        assertThat(c.advertiseAddress()).isEqualTo("ferret-pg-backend-1.ferret-pg-backend-pods.demo.svc:5432");
        assertThat(c.leaseName()).isEqualTo("ferret-pg-backend-leader");
        assertThat(c.synchronous()).isTrue();
        assertThat(c.pgBinDir()).isEmpty();
        assertThat(c.pgdata()).isEqualTo(Path.of("/var/pv/data"));
        assertThat(c.leaseDurationMillis()).isEqualTo(2000);
        assertThat(c.superuserSecretDir()).isEqualTo(Path.of("/etc/pg-coordinator/secrets/ferret-pg-backend-auth"));
        assertThat(c.controlDir()).isEqualTo(Path.of("/var/run/pg-control"));
        assertThat(c.serverLog()).isEqualTo(Path.of("/var/run/pg-control/server.log"));
        assertThat(c.cluster().primaryStartTimeoutMillis()).isEqualTo(300_000);
    }

    @Test
    void primaryStartTimeoutCanBeShortenedForLocalProcesses() {
        Map<String, String> env = pod();
        env.put("PRIMARY_START_TIMEOUT_MS", "20000");
        assertThat(CoordinatorConfig.fromEnvironment(env).cluster().primaryStartTimeoutMillis()).isEqualTo(20_000);
    }

    @Test
    void everyProblemIsNamed() {
        Map<String, String> env = pod();
        env.remove("POD_NAME");
        env.put("REPLICAS", "three");
        env.put("STREAMING_MODE", "Sync");
        env.put("LEASE_DURATION_MS", "1000");
        env.put("RENEW_DEADLINE_MS", "1000");
        env.put("APP_USERS", "/etc/x");
        env.remove("SUPERUSER_SECRET_DIR");
        env.put("REPLICATION_SECRET_DIR", "secrets/replication");
        env.put("STANDBY_MODE", "Warm");
        assertThatThrownBy(() -> CoordinatorConfig.fromEnvironment(env))
                .hasMessageContaining("POD_NAME is required")
                .hasMessageContaining("REPLICAS must be a whole number")
                .hasMessageContaining("STREAMING_MODE must be Synchronous or Asynchronous")
                .hasMessageContaining("RENEW_DEADLINE_MS (1000) must be below LEASE_DURATION_MS (1000)")
                .hasMessageContaining("APP_USERS: item '/etc/x' is not secretDir:database")
                .hasMessageContaining("SUPERUSER_SECRET_DIR is required")
                .hasMessageContaining("REPLICATION_SECRET_DIR must be an absolute path, got 'secrets/replication'")
                .hasMessageContaining("STANDBY_MODE is Warm");
    }

    @Test
    void localProcessSettingsForTheHarness() {
        Map<String, String> env = pod();
        env.put("PG_BIN_DIR", "/usr/lib/postgresql/15/bin");
        env.put("PGDATA", "/tmp/m1/data");
        env.put("PGPORT", "55431");
        env.put("ADVERTISE_ADDRESS", "127.0.0.1:55431");
        env.put("APP_USERS", "/s/ferret:ferretdb, /s/other:other_db");
        CoordinatorConfig c = CoordinatorConfig.fromEnvironment(env);
        assertThat(c.pgBinDir()).contains(Path.of("/usr/lib/postgresql/15/bin"));
        assertThat(c.advertiseAddress()).isEqualTo("127.0.0.1:55431");
        assertThat(c.serverLog()).isEqualTo(Path.of("/tmp/m1/postgresql.log"));
        assertThat(c.appUsers()).hasSize(2);
        assertThat(c.appUsers().get(1).database()).isEqualTo("other_db");
    }
}

package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.ferretdboperator.coordinator.process.LocalProcessRunner;
import org.junit.jupiter.api.Test;

class ConninfoTest {

    final InstanceSettings settings = new InstanceSettings(Path.of("/d"), 5432, Path.of("/s"), "*", "pg-1",
            new Credentials("postgres", "x".toCharArray()), new Credentials("replicator", "y".toCharArray()), Path.of("/c/pgpass"),
            "1GB");
    final PostgresFiles files = new PostgresFiles(settings, new LocalProcessRunner(Path.of("/nonexistent"), "postgres", Path.of("/l")));

    @Test
    void upstreamIsReadBackFromTheConninfoWeWrite() {
        String conninfo = files.conninfo("pg-0.pods.demo.svc:5433", true);
        assertThat(conninfo).contains("application_name=pg-1").doesNotContain("password");
        assertThat(InstanceObserver.upstreamAddress(conninfo)).isEqualTo("pg-0.pods.demo.svc:5433");
        assertThat(InstanceObserver.upstreamAddress("")).isNull();
    }

    @Test
    void superuserNeverComesFromTheNetwork() {
        String hba = files.pgHbaConf();
        assertThat(hba).contains("host    all          postgres  all           reject");
        assertThat(hba.indexOf("postgres  all           reject")).isLessThan(hba.indexOf("host    all          all   all"));
        assertThat(hba).doesNotContain("md5").doesNotContain("password ");
    }
}

package org.ferretdboperator.coordinator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PostmasterPidFileTest {

    @Test
    void thePidIsTheFirstLineWhenPositive() {
        assertThat(PostmasterPidFile.parsePid(List.of("4711", "/var/lib/postgresql/data", "1765000000", "5432")))
                .contains(4711L);
        assertThat(PostmasterPidFile.parsePid(List.of(" 55 "))).contains(55L);
        assertThat(PostmasterPidFile.parsePid(List.of("-4711", "/data"))).as("a single-user backend").isEmpty();
        assertThat(PostmasterPidFile.parsePid(List.of(""))).as("being written").isEmpty();
        assertThat(PostmasterPidFile.parsePid(List.of())).isEmpty();
    }

    @Test
    void onlyALiveProcessOfPostgresOtherThanThisOneIsThePostmaster() {
        assertThat(PostmasterPidFile.namesPostmaster(true, false, Optional.of("postgres"))).isTrue();
        assertThat(PostmasterPidFile.namesPostmaster(true, false, Optional.of("postmaster"))).isTrue();
        assertThat(PostmasterPidFile.namesPostmaster(true, false, Optional.of("java"))).as("a coordinator thread").isFalse();
        assertThat(PostmasterPidFile.namesPostmaster(true, false, Optional.of("pause"))).isFalse();
        assertThat(PostmasterPidFile.namesPostmaster(false, false, Optional.of("postgres"))).as("exited").isFalse();
        assertThat(PostmasterPidFile.namesPostmaster(true, true, Optional.empty())).as("this process").isFalse();
        assertThat(PostmasterPidFile.namesPostmaster(true, false, Optional.empty()))
                .as("unknown program: taken to be the server, so it is fenced and not started twice").isTrue();
    }

    @Test
    void onlyALiveProgramOtherThanPostgresBlocksAStart() {
        assertThat(PostmasterPidFile.blocksStart(true, false, Optional.of("java"))).isTrue();
        assertThat(PostmasterPidFile.blocksStart(true, true, Optional.of("java"))).isTrue();
        assertThat(PostmasterPidFile.blocksStart(true, false, Optional.of("postgres"))).as("a running server").isFalse();
        assertThat(PostmasterPidFile.blocksStart(true, false, Optional.empty())).as("unknown: left alone").isFalse();
        assertThat(PostmasterPidFile.blocksStart(false, false, Optional.of("java")))
                .as("gone: PostgreSQL takes the file over itself").isFalse();
    }
}

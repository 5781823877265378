package org.ferretdboperator.coordinator.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request/response protocol with the postgres container's runner, against a stand-in runner thread. */
class ControlDirProcessRunnerTest {

    @TempDir
    Path control;

    /** Plays runner.sh: answers the first request with the given exit code and output, as the contract says. */
    Thread fakeRunner(int exitCode, String output, AtomicReference<JsonNode> seen) {
        Thread t = new Thread(() -> {
            try {
                Path requests = control.resolve("requests");
                Path responses = control.resolve("responses");
                while (true) {
                    if (Files.isDirectory(requests)) {
                        try (var files = Files.list(requests)) {
                            var request = files.filter(p -> p.toString().endsWith(".json")).findFirst();
                            if (request.isPresent()) {
                                JsonNode json = new ObjectMapper().readTree(request.get().toFile());
                                seen.set(json);
                                String id = json.get("id").asText();
                                Files.writeString(responses.resolve(id + ".out"), output);
                                Files.writeString(responses.resolve(id + ".rc"), exitCode + "\n");
                                Files.delete(request.get());
                                return;
                            }
                        }
                    }
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void writesARequestAndReadsTheRunnersAnswer() throws Exception {
        AtomicReference<JsonNode> seen = new AtomicReference<>();
        fakeRunner(3, "pg_ctl: no server running\n", seen);
        ControlDirProcessRunner runner = new ControlDirProcessRunner(control, Duration.ofMillis(5));
        ProcessResult result = runner.run("pg_ctl", List.of("stop", "-D", "/var/pv/data"), Map.of("PGPASSFILE", "/x"),
                Duration.ofSeconds(5));
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).contains("no server running");
        assertThat(seen.get().get("program").asText()).isEqualTo("pg_ctl");
        assertThat(seen.get().get("args").get(0).asText()).isEqualTo("stop");
        assertThat(seen.get().get("env").get("PGPASSFILE").asText()).isEqualTo("/x");
        try (var left = Files.list(control.resolve("responses"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void refusesAnythingButAProgramName() {
        ControlDirProcessRunner runner = new ControlDirProcessRunner(control, Duration.ofMillis(5));
        assertThatThrownBy(() -> runner.run("/bin/sh", List.of(), Map.of(), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSilentRunnerTimesOutWithAClearMessageAndWithdrawsTheRequest() throws Exception {
        ControlDirProcessRunner runner = new ControlDirProcessRunner(control, Duration.ofMillis(5));
        ProcessResult result = runner.run("initdb", List.of(), Map.of(), Duration.ofMillis(1));
        assertThat(result.exitCode()).isEqualTo(124);
        assertThat(result.output()).contains("runner.sh");
        try (var left = Files.list(control.resolve("requests"))) {
            assertThat(left).isEmpty();
        }
    }
}

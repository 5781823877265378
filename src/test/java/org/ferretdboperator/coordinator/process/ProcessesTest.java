package org.ferretdboperator.coordinator.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Signals through kill(2) to real child processes: the exit status says which signal arrived. */
class ProcessesTest {

    @Test
    void eachSignalArrivesAsItself() throws Exception {
        for (var expected : java.util.Map.of("QUIT", 3, "KILL", 9, "TERM", 15, "INT", 2).entrySet()) {
            Process sleeper = new ProcessBuilder("sleep", "600").start();
            assertThat(Processes.programName(sleeper.pid())).contains("sleep");
            Processes.signal(sleeper.pid(), expected.getKey());
            assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sleeper.exitValue()).as("SIG%s", expected.getKey()).isEqualTo(128 + expected.getValue());
        }
    }

    @Test
    void aProcessThatIsGoneIsNoError() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        Processes.signal(done.pid(), "QUIT");
        assertThat(Processes.alive(done.pid())).isFalse();
    }

    @Test
    void aSignalItCannotSendIsAnError() {
        assertThatThrownBy(() -> Processes.signal(1, "STOP")).hasMessageContaining("unsupported signal STOP");
        assertThatThrownBy(() -> Processes.signal(0, "TERM")).hasMessageContaining("not a process id");
    }
}

package org.ferretdboperator.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes sure no member outlives the test JVM: a detached process waits for this JVM to end (however it ends, even
 * SIGKILL) and then kills every coordinator and postmaster recorded under target/harness, checking each pid still
 * belongs to the harness (its command line or environment names the harness directory) so a reused pid is left alone.
 */
final class Orphans {

    private static boolean started;

    private Orphans() {
    }

    static synchronized void killWhenJvmExits(Path harnessRoot) {
        if (started) {
            return;
        }
        try {
            Files.createDirectories(harnessRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String script = """
                tail --pid="$0" -f /dev/null
                for f in "$1"/*/pg-*/coordinator.pid "$1"/*/pg-*/data/postmaster.pid; do
                  [ -f "$f" ] || continue
                  pid=$(head -n 1 "$f")
                  case $pid in ''|*[!0-9]*) continue ;; esac
                  if grep -qaF -- "$1" "/proc/$pid/cmdline" "/proc/$pid/environ" 2>/dev/null; then
                    echo "killing orphaned $f ($pid)"
                    kill -KILL "$pid" 2>/dev/null
                  fi
                done
                """;
        ProcessBuilder watchdog = new ProcessBuilder("setsid", "bash", "-c", script,
                String.valueOf(ProcessHandle.current().pid()), harnessRoot.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(harnessRoot.resolve("orphans.log").toFile()));
        try {
            watchdog.start().getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the orphan watchdog", e);
        }
        started = true;
    }
}

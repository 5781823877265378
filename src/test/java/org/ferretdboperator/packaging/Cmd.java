package org.ferretdboperator.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a deadline and captures its output. */
final class Cmd {

    static final Path REPO = Path.of("").toAbsolutePath();

    record Result(List<String> command, int exit, String out, String err) {

        boolean ok() {
            return exit == 0;
        }

        /** Fails with the command's output when it did not succeed. */
        Result check() {
            if (exit != 0) {
                throw new AssertionError(describe());
            }
            return this;
        }

        String describe() {
            return String.join(" ", command) + " exited " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private Cmd() {
    }

    static Result run(Duration timeout, List<String> command) {
        return run(timeout, Map.of(), command);
    }

    static Result run(Duration timeout, Map<String, String> env, List<String> command) {
        try {
            Path out = Files.createTempFile("cmd", ".out");
            Path err = Files.createTempFile("cmd", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
                }
                return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package org.ferretdboperator.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs an external program (a hack/ script, kubectl, helm, kill) and captures its output; a run that hangs is killed.
 * The one runner of short-lived programs in the tests.
 */
public final class Command {

    /** What the program printed and how it exited. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        public boolean succeeded() {
            return exitCode == 0;
        }

        /** Both streams, for failure messages. */
        public String describe() {
            return String.join(" ", command) + " exited " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }

        public Result requireSuccess() {
            if (!succeeded()) {
                throw new IllegalStateException(describe());
            }
            return this;
        }
    }

    private Command() {
    }

    public static Result run(Path workingDir, Map<String, String> env, Duration timeout, List<String> command) {
        return run(workingDir, inherited -> inherited.putAll(env), timeout, command);
    }

    /** Like {@link #run(Path, Map, Duration, List)}, with {@code environment} editing the inherited environment. */
    public static Result run(Path workingDir, Consumer<Map<String, String>> environment, Duration timeout,
            List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
        environment.accept(builder.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // stdin is not used
        }
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout
                        + "\n--- stdout\n" + stdout.getNow("") + "\n--- stderr\n" + stderr.getNow(""));
            }
            return new Result(List.copyOf(command), process.exitValue(), stdout.join(), stderr.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static String drain(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<unreadable: " + e + ">";
        }
    }

    /** Sends a signal to processes that are not children of this JVM (a postmaster, its backends). */
    public static void signal(String signal, List<Long> pids) {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-s", signal));
        pids.forEach(p -> command.add(Long.toString(p)));
        // exit status 1 when one of them has already exited: that is fine for every caller
        run(Path.of("/"), Map.of(), Duration.ofSeconds(10), command);
    }
}

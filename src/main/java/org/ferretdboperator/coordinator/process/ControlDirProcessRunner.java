package org.ferretdboperator.coordinator.process;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The pod's channel to the postgres container (a stock PostgreSQL image running only the runner script):
 *
 * <ul>
 * <li>The coordinator writes {@code <CONTROL_DIR>/requests/<id>.json} atomically (write to {@code .tmp}, rename):
 * {@code {"id": "...", "program": "pg_ctl", "args": ["stop", "-D", "..."], "env": {"PGPASSFILE": "..."},
 * "timeoutSeconds": 60}}. {@code program} is always a bare PostgreSQL program name; the runner resolves it in its own
 * bin directory and refuses anything else.</li>
 * <li>The runner executes it as the postgres user with the given environment, then writes
 * {@code <CONTROL_DIR>/responses/<id>.out} (combined output) and, last, {@code <CONTROL_DIR>/responses/<id>.rc}
 * (exit status as decimal text); the {@code .rc} file appearing is the completion signal. It deletes the request.</li>
 * <li>The coordinator reads both, deletes them, and never parses the output to decide anything: state is read over
 * JDBC and from PGDATA, which both containers mount.</li>
 * </ul>
 * Signals (fencing) do not go through the runner: with {@code shareProcessNamespace} the coordinator sends them to the
 * postmaster directly, which is faster than any request round-trip.
 */
public final class ControlDirProcessRunner implements ProcessRunner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path requests;
    private final Path responses;
    private final Path serverLog;
    private final Duration poll;

    public ControlDirProcessRunner(Path controlDir, Duration poll) {
        this.requests = controlDir.resolve("requests");
        this.responses = controlDir.resolve("responses");
        this.serverLog = controlDir.resolve("postgresql.log");
        this.poll = poll;
    }

    @Override
    public ProcessResult run(String program, List<String> args, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        if (!program.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a PostgreSQL program name: " + program);
        }
        Files.createDirectories(requests);
        Files.createDirectories(responses);
        String id = UUID.randomUUID().toString();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", id);
        request.put("program", program);
        request.put("args", args);
        request.put("env", env);
        request.put("timeoutSeconds", Math.max(1, timeout.toSeconds()));
        Path tmp = requests.resolve(id + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(request));
        Files.move(tmp, requests.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE);
        Path rc = responses.resolve(id + ".rc");
        Path out = responses.resolve(id + ".out");
        long deadline = System.nanoTime() + timeout.plusSeconds(5).toNanos();
        while (!Files.exists(rc)) {
            if (System.nanoTime() > deadline) {
                Files.deleteIfExists(requests.resolve(id + ".json"));
                return new ProcessResult(124, program + ": no response from the postgres container's runner within "
                        + timeout.toSeconds() + " s (is " + "runner.sh running?)");
            }
            Thread.sleep(poll.toMillis());
        }
        int exit = Integer.parseInt(Files.readString(rc, StandardCharsets.UTF_8).strip());
        String output = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
        Files.deleteIfExists(rc);
        Files.deleteIfExists(out);
        return new ProcessResult(exit, output);
    }

    @Override
    public void signal(long pid, String signal) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0 && alive(pid)) {
            throw new IOException("kill -s " + signal + " " + pid + " failed");
        }
    }

    @Override
    public boolean alive(long pid) {
        return Processes.alive(pid);
    }

    @Override
    public void handOver(Path path) {
        // Both containers run as the same uid with the pod's fsGroup: nothing to change.
    }

    @Override
    public Path serverLog() {
        return serverLog;
    }
}

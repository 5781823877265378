package org.ferretdboperator.harness.ferretdb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real FerretDB 1.x server process (test code), configured as the operator configures its pods
 * ({@code ServerEnvironment}: postgresql handler, a PostgreSQL URL without credentials so clients authenticate with
 * PLAIN and FerretDB passes their credentials through, telemetry off) but listening on loopback ports. Its output goes
 * to {@code ferretdb.log} in its own directory, which is also its state directory.
 *
 * <p>No orphans: {@link #close} stops it (SIGTERM, then SIGKILL), and a detached watchdog kills it if this JVM dies
 * first, however it dies (the watchdog checks the pid still runs this server's command line, so a reused pid is left
 * alone, and exits by itself once the server is gone).
 */
public final class FerretDbServer implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Path dir;
    private final Process process;
    private final int port;
    private final int debugPort;

    private FerretDbServer(String name, Path dir, Process process, int port, int debugPort) {
        this.name = name;
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.debugPort = debugPort;
    }

    /** FerretDB's Prometheus endpoint (the debug listener), which the chart's ServiceMonitor scrapes. */
    public java.net.URI metricsEndpoint() {
        return java.net.URI.create("http://127.0.0.1:" + debugPort + "/debug/metrics");
    }

    /**
     * Starts the server and waits until its liveness endpoint answers 200 (its client listener is up; FerretDB 1.x
     * opens no PostgreSQL connection before the first request).
     */
    public static FerretDbServer start(Path binary, String name, String postgresqlUrl, Path dir, Duration startTimeout) {
        return start(binary, name, postgresqlUrl, dir, startTimeout, java.util.Optional.empty());
    }

    /** Certificate files of a TLS-only listener (the operator's {@code sslMode: requireSSL}: no plaintext listener). */
    public record TlsListener(Path certFile, Path keyFile) {
    }

    /** The same; with {@code tls} the server's one client port is a TLS listener and there is no plaintext one. */
    public static FerretDbServer start(Path binary, String name, String postgresqlUrl, Path dir, Duration startTimeout,
            java.util.Optional<TlsListener> tls) {
        int port = Log.freePort();
        List<String> listener = tls.map(t -> List.of("--listen-addr=", "--listen-tls=127.0.0.1:" + port,
                "--listen-tls-cert-file=" + t.certFile(), "--listen-tls-key-file=" + t.keyFile()))
                .orElse(List.of("--listen-addr=127.0.0.1:" + port));
        int debugPort = Log.freePort();
        Path log = dir.resolve("ferretdb.log");
        Process process;
        try {
            Files.createDirectories(dir);
            List<String> command = new java.util.ArrayList<>(List.of(binary.toString(),
                    "--handler=postgresql",
                    "--mode=normal",
                    "--postgresql-url=" + postgresqlUrl));
            command.addAll(listener);
            command.addAll(List.of(
                    "--debug-addr=127.0.0.1:" + debugPort,
                    "--state-dir=" + dir.toAbsolutePath(),
                    "--telemetry=disable",
                    "--log-level=info"));
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            process.getOutputStream().close();
            Files.writeString(dir.resolve("ferretdb.pid"), process.pid() + "\n");
            watchdog(process.pid(), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot start FerretDB " + binary, e);
        }
        FerretDbServer server = new FerretDbServer(name, dir, process, port, debugPort);
        try {
            org.awaitility.Awaitility.await(name + " FerretDB live").atMost(startTimeout).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(name + ": FerretDB exited with status " + process.exitValue()
                                    + " (log " + log + ")");
                        }
                        return server.live();
                    });
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        Log.log("%s: FerretDB started (pid %d, port %d, debug %d, log %s)", name, process.pid(), port, debugPort, log);
        return server;
    }

    /** A detached process that kills the server once this JVM has gone; it ends by itself when the server ends. */
    private static void watchdog(long pid, Path dir) throws IOException {
        String script = """
                while kill -0 "$0" 2>/dev/null && kill -0 "$1" 2>/dev/null; do sleep 1; done
                if kill -0 "$1" 2>/dev/null && grep -qaF -- "$2" "/proc/$1/cmdline" 2>/dev/null; then
                  echo "JVM $0 gone: killing FerretDB $1"
                  kill -KILL "$1"
                fi
                """;
        new ProcessBuilder("setsid", "bash", "-c", script, String.valueOf(ProcessHandle.current().pid()),
                String.valueOf(pid), dir.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("watchdog.log").toFile()))
                .start().getOutputStream().close();
    }

    private boolean live() {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + debugPort + "/debug/livez"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, up to 10 s to exit, then SIGKILL. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                Log.log("%s: FerretDB ignored SIGTERM for 10 s: SIGKILL", name);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Log.log("%s: FerretDB stopped (status %s)", name, process.isAlive() ? "still running!" : process.exitValue());
    }
}

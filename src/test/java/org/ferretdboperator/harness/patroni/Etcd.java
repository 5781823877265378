package org.ferretdboperator.harness.patroni;

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
import org.ferretdboperator.harness.Harness;

/** One etcd member on loopback ports (Patroni's DCS through the v3 API), in its own session, logging to its directory. */
final class Etcd implements AutoCloseable {

    private final Path dir;
    private final int clientPort;
    private final Process process;

    private Etcd(Path dir, int clientPort, Process process) {
        this.dir = dir;
        this.clientPort = clientPort;
        this.process = process;
    }

    static Etcd start(Path etcdBinary, Path dir) {
        int clientPort = Harness.freePort();
        int peerPort = Harness.freePort();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String peer = "http://127.0.0.1:" + peerPort;
        String client = "http://127.0.0.1:" + clientPort;
        ProcessBuilder pb = new ProcessBuilder("setsid", etcdBinary.toString(), "--name", "patroni-dcs",
                "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "patroni-dcs=" + peer)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()));
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close();
            Files.writeString(dir.resolve("etcd.pid"), p.pid() + "\n"); // for the orphan watchdog
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd", e);
        }
        Etcd etcd = new Etcd(dir, clientPort, p);
        etcd.awaitHealthy(Duration.ofSeconds(60));
        Harness.log("etcd up on %s (pid %d, log %s)", client, p.pid(), dir.resolve("etcd.log"));
        return etcd;
    }

    /** host:port for Patroni's {@code etcd3.hosts}. */
    String hostPort() {
        return "127.0.0.1:" + clientPort;
    }

    private void awaitHealthy(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with " + process.exitValue() + " (log " + dir.resolve("etcd.log") + ")");
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + hostPort() + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            Procs.sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException("etcd not healthy within " + timeout + " (log " + dir.resolve("etcd.log") + ")");
    }

    @Override
    public void close() {
        Procs.signalGroups("KILL", List.of(process.pid()));
        Procs.awaitGroupsGone(List.of(process.pid()), Duration.ofSeconds(10));
    }
}

package org.ferretdboperator.realnodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.ferretdboperator.testsupport.Prerequisite;

/**
 * A Prometheus server (Debian's prometheus package, as hack/install-deps.sh installs it) as a host process beside the
 * real-node cluster, with a configuration file and a rule file, and the parts of its HTTP API the tests read.
 */
final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path dir;
    private final String api;

    private PrometheusServer(Process process, Path dir, String api) {
        this.process = process;
        this.dir = dir;
        this.api = api;
    }

    /** Debian's prometheus on PATH (hack/install-deps.sh installs it); missing, it fails in CI and skips elsewhere. */
    static Path binary() {
        return onPath("prometheus");
    }

    /** Debian's promtool, from the same package. */
    static Path promtool() {
        return onPath("promtool");
    }

    private static Path onPath(String name) {
        Path found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst()
                .orElse(null);
        Prerequisite.require(found != null, name + " not found on PATH (hack/install-deps.sh installs Debian's prometheus)");
        return found;
    }

    /** Writes the two files into {@code dir} and starts the server on a free loopback port; waits until it is ready. */
    static PrometheusServer start(Path dir, String config, String rules) throws IOException {
        Path binary = binary();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("rules.yaml"), rules);
        Path configFile = dir.resolve("prometheus.yml");
        Files.writeString(configFile, config);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(binary.toString(), "--config.file=" + configFile,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(p, dir, "http://127.0.0.1:" + port);
        try {
            await("Prometheus ready").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .untilAsserted(() -> {
                        assertThat(p.isAlive()).as(() -> server.logTail()).isTrue();
                        assertThat(server.get("/-/ready").statusCode()).isEqualTo(200);
                    });
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** An instant query's result vector (each element: {@code metric} labels and {@code value}). */
    List<JsonNode> query(String promql) {
        JsonNode body = call("/api/v1/query?query=" + encode(promql), promql);
        List<JsonNode> out = new ArrayList<>();
        body.at("/data/result").forEach(out::add);
        return out;
    }

    /** A range query's result matrix (each element: {@code metric} labels and {@code values}). */
    List<JsonNode> queryRange(String promql, Instant start, Instant end, Duration step) {
        JsonNode body = call("/api/v1/query_range?query=" + encode(promql) + "&start=" + start.getEpochSecond() + "&end="
                + end.getEpochSecond() + "&step=" + step.toSeconds(), promql);
        List<JsonNode> out = new ArrayList<>();
        body.at("/data/result").forEach(out::add);
        return out;
    }

    /** The alerts of {@code name} in state firing, from /api/v1/alerts. */
    List<JsonNode> firing(String name) {
        List<JsonNode> out = new ArrayList<>();
        call("/api/v1/alerts", "alerts").at("/data/alerts").forEach(a -> {
            if (name.equals(a.at("/labels/alertname").asText()) && "firing".equals(a.path("state").asText())) {
                out.add(a);
            }
        });
        return out;
    }

    /** Active targets: scrape pool, labels, health and last error, one line each (for failure messages). */
    String targets() {
        StringBuilder out = new StringBuilder("targets:\n");
        call("/api/v1/targets?state=active", "targets").at("/data/activeTargets").forEach(t -> out.append("  ")
                .append(t.path("scrapePool").asText()).append(' ').append(t.path("labels")).append(' ')
                .append(t.path("health").asText()).append(' ').append(t.path("lastError").asText()).append('\n'));
        return out.toString();
    }

    /** /api/v1/targets' active targets (scrapePool, labels, health, lastError). */
    List<JsonNode> activeTargets() {
        List<JsonNode> out = new ArrayList<>();
        call("/api/v1/targets?state=active", "targets").at("/data/activeTargets").forEach(out::add);
        return out;
    }

    /** Rule groups as loaded: every rule's name (to show the chart's rules are the ones evaluated). */
    List<String> loadedAlertNames() {
        List<String> names = new ArrayList<>();
        call("/api/v1/rules?type=alert", "rules").at("/data/groups")
                .forEach(g -> g.path("rules").forEach(r -> names.add(r.path("name").asText())));
        return names;
    }

    /** The expression of the loaded alerting rule {@code name}. */
    String alertExpression(String name) {
        List<String> found = new ArrayList<>();
        call("/api/v1/rules?type=alert", "rules").at("/data/groups").forEach(g -> g.path("rules").forEach(r -> {
            if (name.equals(r.path("name").asText())) {
                found.add(r.path("query").asText());
            }
        }));
        assertThat(found).as("loaded alerting rules named " + name).hasSize(1);
        return found.get(0);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("prometheus.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private JsonNode call(String path, String what) {
        try {
            HttpResponse<String> r = get(path);
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.path("status").asText()).as(what + ": " + r.body()).isEqualTo("success");
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

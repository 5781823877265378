package org.ferretdboperator.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A real S3-compatible server for the backup tests: versitygw (hack/tools.sh builds it) over a directory, TLS on
 * loopback with a certificate made for this run (pgBackRest speaks only TLS to S3), and access keys generated for this
 * run. The keys reach versitygw through its environment and the archiver through files, like a mounted Secret; they are
 * never on a command line. Buckets are directories of {@link #root()}, so a test can look at what was stored.
 */
public final class S3Server implements AutoCloseable {

    public static final String TOOL = "versitygw";
    public static final String REGION = "us-east-1";

    private final Path dir;
    private final int port;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final Process process;

    private S3Server(Path dir, int port, String accessKeyId, String secretAccessKey, Process process) {
        this.dir = dir;
        this.port = port;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.process = process;
    }

    /** Starts versitygw on 127.0.0.1 with files under {@code dir} (emptied first); fails in CI when it is not built. */
    public static S3Server start(Path projectDir, Path dir) throws IOException {
        return start(projectDir, dir, "127.0.0.1", List.of());
    }

    /**
     * Like {@link #start(Path, Path)}, listening on {@code address} (for example the host's address on a real-node
     * cluster's network, which its pods reach) with these extra DNS names in the certificate (pgBackRest checks the
     * endpoint's host against DNS names only, so pods reach it by a Service name).
     */
    public static S3Server start(Path projectDir, Path dir, String address, List<String> dnsNames) throws IOException {
        Path binary = Tools.require(projectDir, TOOL, "VERSITYGW");
        Prerequisite.require(Prerequisite.onPath("openssl"), "openssl (makes the S3 server's TLS certificate)");
        deleteTree(dir);
        Files.createDirectories(dir.resolve("root"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        // localhost as a DNS name: pgBackRest matches the endpoint only against DNS names of the certificate
        Command.run(dir, Map.of(), Duration.ofSeconds(60), List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1" + dnsNames.stream().map(n -> ",DNS:" + n)
                        .collect(java.util.stream.Collectors.joining()), "-keyout", key.toString(), "-out", cert.toString()))
                .requireSuccess();
        Files.setPosixFilePermissions(cert, PosixFilePermissions.fromString("rw-r--r--"));
        String accessKeyId = random(10);
        String secret = random(20);
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "--port", address + ":" + port, "--cert", cert.toString(),
                "--key", key.toString(), "posix", dir.resolve("root").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("versitygw.log").toFile());
        pb.environment().put("ROOT_ACCESS_KEY", accessKeyId);
        pb.environment().put("ROOT_SECRET_KEY", secret);
        Process process = pb.start();
        S3Server server = new S3Server(dir, port, accessKeyId, secret, process);
        String probe = "0.0.0.0".equals(address) ? "127.0.0.1" : address;
        try {
            Awaitility.await("versitygw listening on " + address + ":" + port).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("versitygw exited: " + Files.readString(dir.resolve("versitygw.log")));
                        }
                        try (Socket s = new Socket(probe, port)) {
                            return true;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** A new, empty bucket (versitygw's posix backend: a directory of the root). */
    public String createBucket(String name) throws IOException {
        Files.createDirectories(root().resolve(name));
        return name;
    }

    public String endpoint() {
        return "https://localhost:" + port;
    }

    public int port() {
        return port;
    }

    public Path caFile() {
        return dir.resolve("cert.pem");
    }

    public Path root() {
        return dir.resolve("root");
    }

    /** Writes the access keys as a Secret mount would: one file per key, KubeDB's key names, readable by the owner. */
    public Path writeCredentials(Path credentialsDir) throws IOException {
        Files.createDirectories(credentialsDir);
        write(credentialsDir.resolve("AWS_ACCESS_KEY_ID"), accessKeyId);
        write(credentialsDir.resolve("AWS_SECRET_ACCESS_KEY"), secretAccessKey);
        return credentialsDir;
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

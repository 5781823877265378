package org.ferretdboperator.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Small helpers shared by the harness classes: logging, ports, the project and output directories. */
public final class Harness {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private Harness() {
    }

    public static void log(String format, Object... args) {
        System.err.println(LocalTime.now().format(TIME) + " [harness] " + format.formatted(args));
    }

    /** The project directory (tests run from it: Maven's basedir). */
    public static Path projectDir() {
        Path dir = Path.of("").toAbsolutePath();
        if (!Files.isExecutable(dir.resolve("hack").resolve("local-cluster.sh"))) {
            throw new IllegalStateException("run the harness from the project directory (no hack/local-cluster.sh in " + dir + ")");
        }
        return dir;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double seconds(long nanos) {
        return nanos / 1e9;
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log("could not delete %s: %s", root, e);
        }
    }
}

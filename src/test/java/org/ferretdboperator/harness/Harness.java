package org.ferretdboperator.harness;

import java.io.IOException;
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

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final int LOWEST_PORT = 10000;

    /**
     * A port free now, below the kernel's ephemeral range. A free ephemeral port (what binding port 0 gives) can become
     * the source port of any outgoing connection before the process it is meant for binds it, and stay taken for as long
     * as that connection lives (a watch on the API server): a harness coordinator then failed to start 64 times in a
     * row ("Failed to start quarkus", its HTTP port in use) and its cluster never bootstrapped. Ports are handed out
     * once per test JVM.
     */
    public static int freePort() {
        int high = ephemeralLow();
        for (int attempt = 0; attempt < 2000; attempt++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(LOWEST_PORT, high);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new java.net.InetSocketAddress(port));
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST_PORT + " and " + high);
    }

    /** The first port of the kernel's ephemeral range (net.ipv4.ip_local_port_range), 32768 when unreadable. */
    static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return low > LOWEST_PORT + 1000 ? low : 32768;
        } catch (IOException | RuntimeException e) {
            return 32768;
        }
    }

    /** Waits up to {@code each} for every thread to end (client threads told to stop; one stuck in I/O is left). */
    public static void joinAll(java.util.List<Thread> threads, java.time.Duration each) {
        for (Thread t : threads) {
            try {
                t.join(each.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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

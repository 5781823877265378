package org.ferretdboperator.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ferretdboperator.contract.PodContract;

/**
 * How the test tiers that have no kubelet start the packaged coordinator as a local process: this JDK's java with the
 * operator image's JVM options ({@code src/main/docker/jvm-options}) and, as in the image, a JDK AOT cache of a
 * coordinator start. Three coordinators share two cores with PostgreSQL and the control plane; started as the image
 * starts them they spend there the CPU they spend in a pod (C2 compiler threads and class loading took a core or more
 * of a bootstrap), not more.
 */
public final class CoordinatorJvm {

    /** Where the options live, relative to the project directory. */
    public static final Path OPTIONS = Path.of("src", "main", "docker", "jvm-options");
    /** The heap: the image's share of the sidecar's 256Mi, with room for the harness' longer-lived processes. */
    static final String HEAP = "-Xmx192m";
    private static final int AOT_FIRST_RELEASE = 25;

    private static Path aotCache;
    private static String aotProblem;

    private CoordinatorJvm() {
    }

    public static Path jar(Path projectDir) {
        return projectDir.resolve("target").resolve("quarkus-app").resolve("quarkus-run.jar");
    }

    /** The command that starts the packaged jar in coordinator mode. */
    public static List<String> coordinatorCommand(Path projectDir) {
        List<String> command = new ArrayList<>(javaWithOptions(projectDir));
        aotCache(projectDir).ifPresent(cache -> command.add("-XX:AOTCache=" + cache));
        command.addAll(List.of("-jar", jar(projectDir).toString(), PodContract.MODE_COORDINATOR));
        return command;
    }

    private static List<String> javaWithOptions(Path projectDir) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        try {
            Files.readAllLines(projectDir.resolve(OPTIONS)).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(command::add);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + OPTIONS, e);
        }
        command.add(HEAP);
        return command;
    }

    /**
     * The AOT cache of a coordinator start, written once per test JVM by a training run of the same jar and options (it
     * starts Quarkus, finds no pod environment and exits 2), as hack/images.sh does for the image. Empty, and said why
     * once, on a JDK without JEP 514 or when the training run fails: the coordinator then starts without one.
     */
    static synchronized java.util.Optional<Path> aotCache(Path projectDir) {
        if (aotCache != null || aotProblem != null) {
            return java.util.Optional.ofNullable(aotCache);
        }
        if (Runtime.version().feature() < AOT_FIRST_RELEASE) {
            aotProblem = "Java " + Runtime.version().feature() + " has no -XX:AOTCacheOutput (JEP 514, Java 25)";
        } else {
            try {
                aotCache = train(projectDir);
            } catch (IOException | RuntimeException e) {
                aotProblem = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                aotProblem = "interrupted";
            }
        }
        if (aotProblem != null) {
            System.out.println("[coordinator-jvm] starting coordinators without an AOT cache: " + aotProblem);
        }
        return java.util.Optional.ofNullable(aotCache);
    }

    /** Caches (50 MB each) and logs of test JVMs that have ended; those of a concurrent run stay. */
    private static void removeThoseOfEndedRuns(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:coordinator|training)-(\\d+)\\.(?:aot|log)")
                        .matcher(f.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).filter(ProcessHandle::isAlive).isEmpty()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static Path train(Path projectDir) throws IOException, InterruptedException {
        Path dir = projectDir.resolve("target").resolve("coordinator-jvm");
        Files.createDirectories(dir);
        removeThoseOfEndedRuns(dir);
        Path cache = dir.resolve("coordinator-" + ProcessHandle.current().pid() + ".aot");
        Path log = dir.resolve("training-" + ProcessHandle.current().pid() + ".log");
        Files.deleteIfExists(cache);
        List<String> command = new ArrayList<>(javaWithOptions(projectDir));
        command.addAll(List.of("-XX:AOTCacheOutput=" + cache, "-jar", jar(projectDir).toString(),
                PodContract.MODE_COORDINATOR));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // no pod environment: the training run must find none and exit 2, like the image's
        Map<String, String> env = pb.environment();
        env.keySet().retainAll(List.of("PATH", "HOME", "LANG"));
        long started = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the AOT training run did not end in 3 min (see " + log + ")");
        }
        if (p.exitValue() != 2 || !Files.exists(cache) || !Files.readString(log).contains("AOTCache creation is complete")) {
            throw new IllegalStateException("the AOT training run exited " + p.exitValue()
                    + " without a complete cache (see " + log + ")");
        }
        System.out.printf("[coordinator-jvm] AOT cache of a coordinator start written in %.1f s: %s%n",
                (System.nanoTime() - started) / 1e9, cache);
        return cache;
    }
}

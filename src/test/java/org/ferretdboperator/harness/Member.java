package org.ferretdboperator.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.ferretdboperator.coordinator.postgres.PostmasterPidFile;
import org.ferretdboperator.contract.PodContract;
import org.ferretdboperator.coordinator.process.Processes;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.PostgresPrograms;
import org.ferretdboperator.testsupport.Prerequisite;

/**
 * The processes of one backend pod: the pg-coordinator JVM (started from the packaged binary exactly as in a pod) and
 * the PostgreSQL server it runs (pg_ctl daemonises it, so it is not a child of the coordinator: like the postgres
 * container, it survives its sidecar). Faults act on the whole pod, as a kubelet or the kernel would.
 */
final class Member implements HaMember {

    private final MemberSpec spec;
    private final ApiServerProxy proxy;
    private final Path projectDir;
    /** The coordinator container's environment; a changed pod template changes it for the next start. */
    private final Map<String, String> environment;
    private final java.util.function.Consumer<String> unexpectedExit;
    private Process coordinator;
    private int incarnation;
    /** Set while the harness itself stops the coordinator, so its exit is expected. */
    private boolean stopping;
    private boolean closed;

    /**
     * What a member needs from the machine: PostgreSQL 15's programs, the packaged coordinator binary, and (as root)
     * runuser and the postgres user. Fails in CI, skips (printing why) elsewhere.
     */
    static void requirePrerequisites(Path projectDir) {
        List<String> missing = new ArrayList<>();
        for (String program : List.of("initdb", "pg_ctl", "postgres", "pg_basebackup", "pg_rewind", "pg_controldata")) {
            if (!Files.isExecutable(PostgresPrograms.BIN_DIR.resolve(program))) {
                missing.add(PostgresPrograms.BIN_DIR.resolve(program) + " (install postgresql-15, or set PG_BIN_DIR)");
            }
        }
        if (Prerequisite.isRoot()) {
            if (!Prerequisite.onPath("runuser")) {
                missing.add("runuser (util-linux): PostgreSQL refuses to run as root");
            }
            if (!PostgresPrograms.osUserExists()) {
                missing.add("OS user " + PostgresPrograms.OS_USER + " (the postgresql-15 package creates it)");
            }
        }
        Path jar = CoordinatorBinary.jar(projectDir);
        if (!Files.isRegularFile(jar)) {
            missing.add(jar + " (the harness runs in `./mvnw verify`, after package)");
        }
        Prerequisite.requireNoneMissing(missing);
    }

    /**
     * @param unexpectedExit told when the coordinator exits on its own (a crash the kubelet would answer with a
     *                       container restart, which the harness then does after {@link #RESTART_BACKOFF})
     */
    Member(MemberSpec spec, ApiServerProxy proxy, Path projectDir, Map<String, String> environment,
            java.util.function.Consumer<String> unexpectedExit) {
        this.spec = spec;
        this.proxy = proxy;
        this.projectDir = projectDir;
        this.environment = new java.util.concurrent.ConcurrentHashMap<>(environment);
        this.unexpectedExit = unexpectedExit;
    }

    /** The kubelet's first CrashLoopBackOff delay is 10 s; the harness restarts sooner so a crash costs less time. */
    static final Duration RESTART_BACKOFF = Duration.ofSeconds(1);

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public int pgPort() {
        return spec.pgPort();
    }

    MemberSpec spec() {
        return spec;
    }

    ApiServerProxy proxy() {
        return proxy;
    }

    /** Starts a new coordinator on the member's (possibly existing) data directory. */
    synchronized void start() {
        if (coordinatorAlive()) {
            throw new IllegalStateException(name() + ": coordinator already running");
        }
        incarnation++;
        Path log = spec.dir().resolve("coordinator-" + incarnation + ".log");
        ProcessBuilder pb = new ProcessBuilder(CoordinatorBinary.command(projectDir))
                .directory(spec.dir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment);
        Process started;
        try {
            started = pb.start();
            started.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(name() + ": cannot start the coordinator", e);
        }
        coordinator = started;
        stopping = false;
        try {
            Files.writeString(spec.dir().resolve("coordinator.pid"), started.pid() + "\n"); // for the orphan watchdog
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int thisIncarnation = incarnation;
        started.onExit().thenAccept(p -> exited(p, thisIncarnation, log));
        Harness.log("%s: coordinator #%d started (pid %d, log %s)", name(), incarnation, coordinator.pid(), log);
    }

    private void exited(Process p, int which, Path log) {
        synchronized (this) {
            if (stopping || closed || p != coordinator) {
                return;
            }
        }
        String what = "%s: coordinator #%d exited on its own with status %d (log %s)".formatted(name(), which, p.exitValue(), log);
        Harness.log("%s; restarting it after %d ms as the kubelet would", what, RESTART_BACKOFF.toMillis());
        unexpectedExit.accept(what);
        java.util.concurrent.CompletableFuture.delayedExecutor(RESTART_BACKOFF.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            synchronized (this) {
                if (!stopping && !closed && p == coordinator) {
                    start();
                }
            }
        });
    }

    /** No more restarts: the cluster is being torn down. */
    synchronized void close() {
        closed = true;
        if (liveness != null) {
            liveness.shutdownNow();
        }
        kill();
    }

    /** Sets a variable of the coordinator container (a pod template change): in effect from the next start. */
    void setEnvironment(String name, String value) {
        environment.put(name, value);
    }

    // --- the kubelet's liveness probe of the coordinator container ------------------------------------------------

    private java.util.concurrent.ScheduledExecutorService liveness;
    private final java.util.concurrent.atomic.AtomicInteger livenessRestarts = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Probes the coordinator's liveness endpoint as the kubelet does with the pod template's probe
     * ({@link PodContract#COORDINATOR_LIVENESS_PERIOD_SECONDS} and the rest), from now on, and restarts the
     * coordinator container (SIGTERM, the grace period, SIGKILL, start) after that many failures in a row. As with the
     * pod's startup probe, an incarnation is probed only once its endpoint has answered.
     */
    synchronized void probeLivenessAsTheKubeletDoes() {
        if (liveness != null) {
            return;
        }
        liveness = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name() + "-liveness");
            t.setDaemon(true);
            return t;
        });
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(PodContract.COORDINATOR_LIVENESS_TIMEOUT_SECONDS)).build();
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + spec.httpPort() + PodContract.COORDINATOR_LIVE_PATH);
        int[] failures = { 0 };
        int[] startedIncarnation = { -1 };
        liveness.scheduleWithFixedDelay(() -> {
            int current;
            synchronized (this) {
                if (closed || !coordinatorAlive()) {
                    failures[0] = 0;
                    return;
                }
                current = incarnation;
            }
            boolean live;
            try {
                live = http.send(java.net.http.HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(PodContract.COORDINATOR_LIVENESS_TIMEOUT_SECONDS)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                if (live) {
                    startedIncarnation[0] = current;
                }
            } catch (IOException e) {
                live = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (startedIncarnation[0] != current || live) {
                failures[0] = 0;
                return;
            }
            failures[0]++;
            Harness.log("%s: liveness probe failed (%d of %d)", name(), failures[0],
                    PodContract.COORDINATOR_LIVENESS_FAILURE_THRESHOLD);
            if (failures[0] >= PodContract.COORDINATOR_LIVENESS_FAILURE_THRESHOLD) {
                failures[0] = 0;
                restartForLiveness();
            }
        }, PodContract.COORDINATOR_LIVENESS_PERIOD_SECONDS, PodContract.COORDINATOR_LIVENESS_PERIOD_SECONDS,
                java.util.concurrent.TimeUnit.SECONDS);
    }

    /** How often the liveness probe had the coordinator container restarted. */
    int livenessRestarts() {
        return livenessRestarts.get();
    }

    private synchronized void restartForLiveness() {
        if (closed || !coordinatorAlive()) {
            return;
        }
        livenessRestarts.incrementAndGet();
        Harness.log("%s: liveness probe failed %d times: restarting the coordinator container", name(),
                PodContract.COORDINATOR_LIVENESS_FAILURE_THRESHOLD);
        stopping = true;
        coordinator.destroy();
        try {
            if (!coordinator.waitFor(Cluster.GRACE_PERIOD.toMillis(), TimeUnit.MILLISECONDS)) {
                coordinator.destroyForcibly();
                coordinator.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        start();
    }

    /** How many lines of this member's coordinator logs (every incarnation) contain {@code text}. */
    synchronized long logLinesContaining(String text) {
        long count = 0;
        for (int i = 1; i <= incarnation; i++) {
            Path log = spec.dir().resolve("coordinator-" + i + ".log");
            try (java.util.stream.Stream<String> lines = Files.lines(log)) {
                count += lines.filter(l -> l.contains(text)).count();
            } catch (IOException | java.io.UncheckedIOException e) {
                // a log that is not there (yet) has no such line
            }
        }
        return count;
    }

    boolean coordinatorAlive() {
        return coordinator != null && coordinator.isAlive();
    }

    @Override
    public boolean agentRunning() {
        return coordinatorAlive();
    }

    Optional<Long> coordinatorPid() {
        return coordinatorAlive() ? Optional.of(coordinator.pid()) : Optional.empty();
    }

    /** The running postmaster of this member's data directory, from postmaster.pid. */
    @Override
    public Optional<Long> postmasterPid() {
        return PostmasterPidFile.runningPostmaster(spec.pgdata());
    }

    /** Every process of the pod: coordinator, postmaster and the postmaster's children (backends, walsenders...). */
    List<Long> podProcesses() {
        List<Long> pids = new ArrayList<>();
        coordinatorPid().ifPresent(pids::add);
        postmasterPid().ifPresent(pm -> {
            pids.add(pm);
            ProcessHandle.of(pm).ifPresent(h -> h.descendants().filter(d -> Processes.alive(d.pid())).forEach(d -> pids.add(d.pid())));
        });
        return pids;
    }

    /** SIGKILL to every process of the pod at once: a node crash, an OOM kill, {@code delete --force}. */
    synchronized void kill() {
        stopping = true;
        List<Long> pids = podProcesses();
        Command.signal("KILL", pids);
        awaitGone(pids, Duration.ofSeconds(10));
        reap();
        Harness.log("%s: killed %s", name(), pids);
    }

    /**
     * What the kubelet does on pod deletion: SIGTERM to the coordinator (the postgres container's runner keeps
     * PostgreSQL up until the coordinator stops it), wait up to {@code grace}, then SIGKILL whatever is left.
     *
     * @return how long the coordinator took to exit, or null when the grace period ran out
     */
    synchronized Duration terminate(Duration grace) {
        stopping = true;
        long start = System.nanoTime();
        Duration took = null;
        if (coordinatorAlive()) {
            coordinator.destroy(); // SIGTERM
            try {
                if (coordinator.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    took = Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<Long> left = podProcesses();
        if (!left.isEmpty()) {
            Harness.log("%s: %s still running after the coordinator %s: SIGKILL", name(), left,
                    took == null ? "exceeded the grace period" : "exited");
            Command.signal("KILL", left);
            awaitGone(left, Duration.ofSeconds(10));
        }
        reap();
        Harness.log("%s: terminated (coordinator exited %s)", name(), took == null ? "only when killed" : "after " + took.toMillis() + " ms");
        return took;
    }

    /** SIGSTOP to every process of the pod: a paused VM, a stalled node, a long stop-the-world pause. */
    synchronized List<Long> freeze(Runnable atSignal) {
        List<Long> pids = podProcesses();
        atSignal.run();
        Command.signal("STOP", pids);
        Harness.log("%s: frozen %s", name(), pids);
        return pids;
    }

    synchronized void thaw(List<Long> pids) {
        Command.signal("CONT", pids);
        Harness.log("%s: resumed %s", name(), pids);
    }

    private void reap() {
        if (coordinator != null) {
            try {
                coordinator.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitGone(List<Long> pids, Duration timeout) {
        org.awaitility.Awaitility.await("processes " + pids + " gone after SIGKILL").atMost(timeout)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> pids.stream().noneMatch(Processes::alive)); // zombies count as gone: init reaps them late
    }

    /**
     * The last lines of the current coordinator's log that are its decisions, warnings or errors: what a failed test
     * prints, because CI keeps the test report, not target/harness.
     */
    synchronized List<String> recentDecisions(int max) {
        Path log = spec.dir().resolve("coordinator-" + incarnation + ".log");
        try {
            List<String> lines = Files.readAllLines(log).stream()
                    .filter(l -> l.contains("CoordinatorLoop") || l.contains("ActionExecutor") || l.contains("InstanceObserver") || l.contains(" WARN ")
                            || l.contains(" ERROR "))
                    .map(l -> l.length() > 400 ? l.substring(0, 400) + "..." : l)
                    .toList();
            return lines.subList(Math.max(0, lines.size() - max), lines.size());
        } catch (IOException e) {
            return List.of("(no log " + log + ": " + e + ")");
        }
    }

    /** The last lines of this member's PostgreSQL server log: why a server that is running does not accept connections. */
    synchronized List<String> recentServerLog(int max) {
        Path log = spec.dir().resolve("postgresql.log");
        try {
            List<String> lines = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1).stream()
                    .map(l -> l.length() > 400 ? l.substring(0, 400) + "..." : l)
                    .toList();
            return lines.subList(Math.max(0, lines.size() - max), lines.size());
        } catch (IOException e) {
            return List.of("(no log " + log + ": " + e + ")");
        }
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1)).build();

    /** Null when the coordinator's readiness endpoint (the pod's readiness probe) says UP, else what it says. */
    String readinessProblem() {
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + spec.httpPort() + PodContract.COORDINATOR_READY_PATH);
        try {
            java.net.http.HttpResponse<String> r = HTTP.send(java.net.http.HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(PodContract.COORDINATOR_READINESS_TIMEOUT_SECONDS)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? null : r.statusCode() + " " + r.body().replaceAll("\\s+", " ");
        } catch (IOException e) {
            return "unreachable: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}

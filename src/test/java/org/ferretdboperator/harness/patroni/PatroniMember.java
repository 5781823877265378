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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.ferretdboperator.coordinator.postgres.PostmasterPidFile;
import org.ferretdboperator.harness.HaMember;
import org.ferretdboperator.harness.Harness;
import org.ferretdboperator.harness.PostgresOwnership;
import org.ferretdboperator.testsupport.Command;
import org.ferretdboperator.testsupport.SocketDirectory;

/**
 * One Patroni member as a pod would run it: the agent (which starts and stops its own PostgreSQL) on a data directory
 * that outlives it. Faults act on the whole member, as the kubelet or the kernel would on a pod: a graceful delete is
 * SIGTERM to the agent with a grace period (then SIGKILL of whatever is left), a crash is SIGKILL of the agent's and
 * the postmaster's process groups at the same instant. A restart starts a new agent on the same directory.
 */
final class PatroniMember implements HaMember {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(500)).build();

    private final String name;
    private final Path dir;
    private final int pgPort;
    private final Path socketDir;
    private final int restPort;
    private final PatroniTools.Launch launch;
    private final Consumer<String> unexpectedExit;
    private Process agent;
    private int incarnation;
    private boolean stopping;

    PatroniMember(String name, Path dir, int pgPort, int restPort, PatroniTools.Launch launch, Consumer<String> unexpectedExit) {
        this.name = name;
        this.dir = dir;
        this.pgPort = pgPort;
        this.socketDir = SocketDirectory.create("patroni-" + name, pgPort);
        PostgresOwnership.handOver(socketDir);
        this.restPort = restPort;
        this.launch = launch;
        this.unexpectedExit = unexpectedExit;
    }

    @Override
    public String name() {
        return name;
    }

    Path dir() {
        return dir;
    }

    Path config() {
        return dir.resolve("patroni.yml");
    }

    Path pgdata() {
        return dir.resolve("data");
    }

    @Override
    public int pgPort() {
        return pgPort;
    }

    /** PostgreSQL's unix socket directory: short, outside the member directory (see {@link SocketDirectory}). */
    Path socketDir() {
        return socketDir;
    }

    int restPort() {
        return restPort;
    }

    /** Starts a new agent on the member's (possibly existing) data directory. */
    synchronized void start() {
        if (agentRunning()) {
            throw new IllegalStateException(name + ": Patroni already running");
        }
        incarnation++;
        Path log = dir.resolve("patroni-" + incarnation + ".log");
        List<String> command = new ArrayList<>(launch.command());
        command.add(config().toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(launch.environment());
        Process p;
        try {
            p = pb.start();
            p.getOutputStream().close();
            Files.writeString(dir.resolve("patroni.pid"), p.pid() + "\n"); // for the orphan watchdog
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot start Patroni", e);
        }
        agent = p;
        stopping = false;
        int which = incarnation;
        p.onExit().thenAccept(done -> {
            synchronized (this) {
                if (stopping || done != agent) {
                    return;
                }
            }
            unexpectedExit.accept("%s: Patroni #%d exited on its own with status %d (log %s)".formatted(name, which,
                    done.exitValue(), log));
        });
        Harness.log("%s: Patroni #%d started (pid %d, log %s)", name, incarnation, p.pid(), log);
    }

    @Override
    public synchronized boolean agentRunning() {
        return agent != null && agent.isAlive();
    }

    /** The running postmaster of this member's data directory, from postmaster.pid. */
    @Override
    public Optional<Long> postmasterPid() {
        return PostmasterPidFile.runningPostmaster(pgdata());
    }

    /** The process groups of the member: the agent's (its children: pg_rewind, pg_basebackup...) and the postmaster's. */
    synchronized List<Long> groups() {
        List<Long> groups = new ArrayList<>();
        if (agentRunning()) {
            groups.add(agent.pid());
        }
        postmasterPid().flatMap(Procs::pgid).filter(g -> !groups.contains(g)).ifPresent(groups::add);
        return groups;
    }

    /** SIGKILL to every process of the member at once: a node crash, an OOM kill, {@code delete --force}. */
    synchronized void kill(Runnable atSignal) {
        stopping = true;
        List<Long> groups = groups();
        atSignal.run();
        Procs.signalGroups("KILL", groups);
        if (!Procs.awaitGroupsGone(groups, Duration.ofSeconds(10))) {
            throw new IllegalStateException(name + ": processes of groups " + groups + " survived SIGKILL");
        }
        reap();
        Harness.log("%s: killed process groups %s", name, groups);
    }

    /**
     * What the kubelet does on pod deletion: SIGTERM to the agent (Patroni stops PostgreSQL and, as leader, releases
     * its key), wait up to {@code grace}, then SIGKILL whatever is left.
     *
     * @return how long the agent took to exit, or null when the grace period ran out
     */
    synchronized Duration terminate(Duration grace, Runnable atSignal) {
        stopping = true;
        long start = System.nanoTime();
        Duration took = null;
        if (agentRunning()) {
            atSignal.run();
            Command.signal("TERM", List.of(agent.pid()));
            try {
                if (agent.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    took = Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            atSignal.run();
        }
        List<Long> left = groups();
        List<Long> stillThere = left.stream().filter(g -> !Procs.members(g).isEmpty()).toList();
        if (!stillThere.isEmpty()) {
            Harness.log("%s: process groups %s still running after Patroni %s: SIGKILL", name, stillThere,
                    took == null ? "exceeded the grace period" : "exited");
            Procs.signalGroups("KILL", stillThere);
            Procs.awaitGroupsGone(stillThere, Duration.ofSeconds(10));
        }
        reap();
        Harness.log("%s: terminated (Patroni exited %s)", name, took == null ? "only when killed" : "after " + took.toMillis() + " ms");
        return took;
    }

    /** No more: the cluster is torn down. */
    synchronized void close() {
        stopping = true;
        List<Long> groups = groups();
        Procs.signalGroups("KILL", groups);
        Procs.awaitGroupsGone(groups, Duration.ofSeconds(10));
        reap();
    }

    private void reap() {
        if (agent != null) {
            try {
                agent.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The status code of a GET on the member's REST API, or -1 when it does not answer. */
    int rest(String path, Duration timeout) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                    .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body of a GET on the member's REST API when it answers 200, else empty. */
    Optional<String> restBody(String path, Duration timeout) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                    .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The last lines of the current agent's log: what a failed run prints. */
    synchronized List<String> recentLog(int max) {
        Path log = dir.resolve("patroni-" + incarnation + ".log");
        try {
            List<String> lines = Files.readAllLines(log).stream().filter(l -> l.contains(" INFO: ") || l.contains("WARN")
                    || l.contains("ERROR") || l.contains("FATAL")).map(l -> l.length() > 300 ? l.substring(0, 300) + "..." : l)
                    .toList();
            return lines.subList(Math.max(0, lines.size() - max), lines.size());
        } catch (IOException e) {
            return List.of("(no log " + log + ": " + e + ")");
        }
    }
}

package org.ferretdboperator.harness.patroni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.coordinator.process.Processes;
import org.ferretdboperator.testsupport.Command;

/**
 * Process groups of the Patroni peer: every agent and etcd starts in its own session ({@code setsid}, so its pid is its
 * process group), and Patroni starts each postmaster in a session of its own too. A fault or a cleanup signals whole
 * groups, so nothing a member started (backends, WAL senders, pg_rewind, pg_basebackup) is left behind.
 */
final class Procs {

    private Procs() {
    }

    /** The process group of a live process, from /proc/PID/stat (field 5, after the command in parentheses). */
    static Optional<Long> pgid(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseLong(fields[2]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Every live process of a group (scanning /proc). */
    static List<Long> members(long pgid) {
        List<Long> out = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long pid = Long.parseLong(name);
                if (pgid(pid).orElse(-1L) == pgid && Processes.alive(pid)) {
                    out.add(pid);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: nothing found
        }
        return out;
    }

    /** {@code kill -SIGNAL -- -PGID ...}; groups that are already gone are fine. */
    static void signalGroups(String signal, List<Long> pgids) {
        if (pgids.isEmpty()) {
            return;
        }
        long own = pgid(ProcessHandle.current().pid()).orElse(-1L);
        List<String> command = new ArrayList<>(List.of("kill", "-s", signal, "--"));
        // never this JVM's own group (Maven's): only groups the peer's processes lead
        pgids.stream().filter(g -> g > 1 && g != own).forEach(g -> command.add("-" + g));
        if (command.size() == 4) {
            return;
        }
        // exit status 1 when a group has already gone: fine for every caller
        Command.run(Path.of("/"), Map.of(), Duration.ofSeconds(10), command);
    }

    /** Waits until no process of the groups is alive. */
    static boolean awaitGroupsGone(List<Long> pgids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (pgids.stream().allMatch(g -> members(g).isEmpty())) {
                return true;
            }
            sleep(Duration.ofMillis(10));
        }
        return false;
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

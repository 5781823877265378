package org.ferretdboperator.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * How much CPU went to processes that are not the benchmark while it ran: what makes a benchmark's machine quiet or
 * not, which the load average cannot tell (a three-node cluster's own JVMs put it at 5-15 on 2 cores). Samples every
 * process in /proc every {@link #PERIOD_MILLIS} ms and adds up the CPU time (utime + stime) that processes outside
 * the benchmark used between samples; a process first seen after the start counts with all its CPU time. Processes
 * that start and end between two samples are missed, so the figure is a lower bound.
 *
 * <p>The benchmark's own processes: this JVM and its descendants, its parent (the build tool that forked it) and the
 * parent's descendants, and whatever {@code alsoOurs} accepts (the local cluster's node cgroups and its state
 * directory: kubelet, containerd and the containers are not children of this JVM).
 */
public final class ForeignCpu implements AutoCloseable {

    static final long PERIOD_MILLIS = 2000;
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    /** One process as /proc shows it. */
    public record Proc(long pid, long ppid, long startTicks, long cpuTicks, String cgroup, String cmdline) {
    }

    /** The result: CPU seconds of processes outside the benchmark, and the machine's capacity over the same time. */
    public record Share(double foreignCpuSeconds, double wallSeconds, int cores, double busiestWindowPercent,
            Map<String, Double> topForeign) {

        /** Foreign CPU as a share of everything the machine could do meanwhile (cores x wall time). */
        public double percentOfMachine() {
            return wallSeconds <= 0 ? 0 : 100 * foreignCpuSeconds / (cores * wallSeconds);
        }

        /** Under 5 % of the machine went elsewhere, and never more than 25 % in one sampling period. */
        public boolean quiet() {
            return percentOfMachine() < 5 && busiestWindowPercent < 25;
        }
    }

    private final Predicate<Proc> alsoOurs;
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final long startNanos = System.nanoTime();
    private final Map<String, Long> lastTicks = new HashMap<>();
    private final Map<String, Double> foreignByCommand = new HashMap<>();
    private final ScheduledExecutorService sampler;
    private boolean first = true;
    private long foreignTicks;
    private double busiestWindowPercent;

    /** Not sampling by itself: {@link #sample} by hand (tests), or {@link #start}. */
    ForeignCpu(Predicate<Proc> alsoOurs) {
        this.alsoOurs = alsoOurs;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "foreign-cpu");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts sampling now; {@code alsoOurs}: processes of the benchmark that are not in this JVM's family. */
    public static ForeignCpu start(Predicate<Proc> alsoOurs) {
        ForeignCpu f = new ForeignCpu(alsoOurs);
        f.sampler.scheduleAtFixedRate(f::sampleQuietly, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return f;
    }

    /** The benchmark's processes outside this JVM's family: in a cgroup whose path contains {@code cgroupPart}, or
     * with {@code stateDir} on their command line. */
    public static Predicate<Proc> clusterProcesses(String cgroupPart, Path stateDir) {
        String dir = stateDir.toString();
        return p -> p.cgroup().contains(cgroupPart) || p.cmdline().contains(dir);
    }

    public synchronized Share share() {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> top = new HashMap<>();
        foreignByCommand.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(5)
                .forEach(e -> top.put(e.getKey(), Math.round(e.getValue() * 10) / 10.0));
        return new Share(foreignTicks / (double) TICKS_PER_SECOND, wall, cores, busiestWindowPercent, top);
    }

    private void sampleQuietly() {
        try {
            sample(processes());
        } catch (RuntimeException e) {
            // a process vanishing mid-read is normal; a sample lost to it only lowers the bound
        }
    }

    synchronized void sample(List<Proc> procs) {
        Map<Long, Proc> byPid = new HashMap<>();
        procs.forEach(p -> byPid.put(p.pid(), p));
        Set<Long> ours = ourFamily(byPid);
        long windowTicks = 0;
        for (Proc p : procs) {
            String key = p.pid() + "@" + p.startTicks();
            Long before = lastTicks.put(key, p.cpuTicks());
            if (first || ours.contains(p.pid()) || alsoOurs.test(p)) {
                continue;
            }
            long used = p.cpuTicks() - (before == null ? 0 : before);
            if (used > 0) {
                windowTicks += used;
                foreignByCommand.merge(command(p), used / (double) TICKS_PER_SECOND, Double::sum);
            }
        }
        if (!first) {
            foreignTicks += windowTicks;
            double percent = 100.0 * windowTicks / TICKS_PER_SECOND / (cores * PERIOD_MILLIS / 1000.0);
            busiestWindowPercent = Math.max(busiestWindowPercent, percent);
        }
        first = false;
    }

    /** This JVM, its parent, and every descendant of either. */
    static Set<Long> ourFamily(Map<Long, Proc> byPid) {
        long self = ProcessHandle.current().pid();
        Set<Long> roots = new HashSet<>(Set.of(self));
        Proc me = byPid.get(self);
        if (me != null && me.ppid() > 1) {
            roots.add(me.ppid());
        }
        Set<Long> family = new HashSet<>();
        for (Proc p : byPid.values()) {
            Proc q = p;
            for (int depth = 0; q != null && depth < 64; depth++) {
                if (roots.contains(q.pid())) {
                    family.add(p.pid());
                    break;
                }
                q = byPid.get(q.ppid());
            }
        }
        return family;
    }

    private static String command(Proc p) {
        String c = p.cmdline().isBlank() ? "?" : p.cmdline().split(" ")[0];
        return c.substring(c.lastIndexOf('/') + 1);
    }

    static List<Proc> processes() {
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            return dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit))
                    .map(ForeignCpu::read).filter(java.util.Objects::nonNull).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Proc read(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"));
            // comm may hold spaces and parentheses: the fields after it start after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ppid = Long.parseLong(f[1]);
            long cpu = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            long start = Long.parseLong(f[19]);
            String cgroup = Files.readString(dir.resolve("cgroup"));
            String cmdline = Files.readString(dir.resolve("cmdline")).replace('\0', ' ').strip();
            return new Proc(Long.parseLong(dir.getFileName().toString()), ppid, start, cpu, cgroup, cmdline);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}

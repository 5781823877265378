package org.ferretdboperator.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes sure no process of an HA system under test outlives the test JVM: a detached process waits for this JVM to end
 * (however it ends, even SIGKILL) and then kills every process recorded in the given pid files, checking first that
 * each pid still belongs to the harness (its command line or environment names the harness directory) so a reused pid
 * is left alone. A postmaster goes with its children (backends, WAL senders); a process that leads its own process
 * group (Patroni's agents and etcd, started with setsid) goes with its group, so nothing it started is left behind.
 */
public final class Orphans {

    private static final Set<String> STARTED = new HashSet<>();

    private Orphans() {
    }

    /**
     * @param watchdog name of the watchdog and of its log under {@code harnessRoot}; one watchdog per name and JVM
     * @param pidFiles glob patterns of pid files, relative to {@code harnessRoot}
     */
    public static synchronized void killWhenJvmExits(Path harnessRoot, String watchdog, List<String> pidFiles) {
        if (STARTED.contains(watchdog)) {
            return;
        }
        try {
            Files.createDirectories(harnessRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String script = """
                tail --pid="$0" -f /dev/null
                root=$1; shift
                for pattern in "$@"; do
                  for f in "$root"/$pattern; do
                    [ -f "$f" ] || continue
                    pid=$(head -n 1 "$f")
                    case $pid in ''|*[!0-9]*) continue ;; esac
                    grep -qaF -- "$root" "/proc/$pid/cmdline" "/proc/$pid/environ" 2>/dev/null || continue
                    case $f in
                      */postmaster.pid)
                        kids=""
                        for s in /proc/[0-9]*/stat; do  # builtins only: a fork per process would take seconds
                          read -r st 2>/dev/null < "$s" || continue
                          rest=${st##*) }; rest=${rest#* }; ppid=${rest%% *}
                          [ "$ppid" = "$pid" ] && { s=${s#/proc/}; kids="$kids ${s%/stat}"; }
                        done
                        echo "killing orphaned postmaster $f (pid $pid, children $kids)"
                        kill -KILL "$pid" $kids 2>/dev/null ;;
                      *)
                        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
                        pgid=$(printf '%s' "${stat##*) }" | cut -d' ' -f3)
                        echo "killing orphaned $f (pid $pid, process group $pgid)"
                        if [ "$pgid" = "$pid" ]; then kill -KILL -- "-$pgid" 2>/dev/null; else kill -KILL "$pid" 2>/dev/null; fi ;;
                    esac
                  done
                done
                """;
        List<String> command = new ArrayList<>(List.of("setsid", "bash", "-c", script,
                String.valueOf(ProcessHandle.current().pid()), harnessRoot.toAbsolutePath().toString()));
        command.addAll(pidFiles);
        ProcessBuilder process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(harnessRoot.resolve(watchdog + ".log").toFile()));
        try {
            process.start().getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + watchdog + " watchdog", e);
        }
        STARTED.add(watchdog);
    }
}

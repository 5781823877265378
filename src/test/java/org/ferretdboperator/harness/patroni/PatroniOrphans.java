package org.ferretdboperator.harness.patroni;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes sure no Patroni agent, postmaster or etcd outlives the test JVM, as the harness's Orphans does for our members:
 * a detached process waits for this JVM to end (however it ends, even SIGKILL) and then kills the process group of
 * every agent and etcd (and every postmaster with its children) recorded under target/harness/patroni-*, checking first that each pid still belongs
 * to the harness (its command line names the harness directory) so a reused pid is left alone.
 */
final class PatroniOrphans {

    private static boolean started;

    private PatroniOrphans() {
    }

    static synchronized void killWhenJvmExits(Path harnessRoot) {
        if (started) {
            return;
        }
        try {
            Files.createDirectories(harnessRoot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String script = """
                tail --pid="$0" -f /dev/null
                for f in "$1"/patroni-*/pg-*/patroni.pid "$1"/patroni-*/etcd/etcd.pid "$1"/patroni-*/pg-*/data/postmaster.pid; do
                  [ -f "$f" ] || continue
                  pid=$(head -n 1 "$f")
                  case $pid in ''|*[!0-9]*) continue ;; esac
                  grep -qaF -- "$1" "/proc/$pid/cmdline" 2>/dev/null || continue
                  case $f in
                    */postmaster.pid)
                      # the postmaster and its children (backends, WAL senders), by parent pid
                      kids=""
                      for s in /proc/[0-9]*/stat; do  # builtins only: a fork per process would take seconds
                        read -r st 2>/dev/null < "$s" || continue
                        rest=${st##*) }; rest=${rest#* }; ppid=${rest%% *}
                        [ "$ppid" = "$pid" ] && { s=${s#/proc/}; kids="$kids ${s%/stat}"; }
                      done
                      echo "killing orphaned postmaster $f (pid $pid, children $kids)"
                      kill -KILL "$pid" $kids 2>/dev/null ;;
                    *)
                      # agents and etcd were started with setsid: their pid is their process group
                      stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
                      pgid=$(printf '%s' "${stat##*) }" | cut -d' ' -f3)
                      echo "killing orphaned $f (pid $pid, process group $pgid)"
                      if [ "$pgid" = "$pid" ]; then kill -KILL -- "-$pgid" 2>/dev/null; else kill -KILL "$pid" 2>/dev/null; fi ;;
                  esac
                done
                """;
        ProcessBuilder watchdog = new ProcessBuilder("setsid", "bash", "-c", script,
                String.valueOf(ProcessHandle.current().pid()), harnessRoot.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(harnessRoot.resolve("patroni-orphans.log").toFile()));
        try {
            watchdog.start().getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Patroni orphan watchdog", e);
        }
        started = true;
    }
}

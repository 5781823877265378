package org.ferretdboperator.coordinator.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs PostgreSQL's programs (initdb, pg_ctl, pg_basebackup, pg_rewind) for the coordinator. Two implementations:
 * {@link LocalProcessRunner} runs them from a local bin directory (harness, tests, or a coordinator image that ships
 * the binaries), {@link ControlDirProcessRunner} asks the postgres container to run them (the pod's channel, see
 * {@link org.ferretdboperator.contract.PodContract}).
 */
public interface ProcessRunner {

    /**
     * Runs {@code program} (a PostgreSQL program name, no path) with {@code args}, waiting at most {@code timeout}. There
     * is no per-call environment (the postgres container's runner has none to give): settings travel as arguments, and
     * secrets in files they name ({@code --pwfile}, libpq's {@code passfile=}), never in argv.
     */
    ProcessResult run(String program, List<String> args, Duration timeout) throws IOException, InterruptedException;

    /**
     * Sends a signal (QUIT, INT, TERM, KILL) to a process of the postgres container (the postmaster), directly: both
     * runners see it, in a pod through the shared process namespace.
     */
    default void signal(long pid, String signal) throws IOException, InterruptedException {
        Processes.signal(pid, signal);
    }

    /** Whether the process with this pid is alive (visible through the shared process namespace in a pod). */
    default boolean alive(long pid) {
        return Processes.alive(pid);
    }

    /** Makes a file or directory the coordinator created usable by PostgreSQL's OS user (ownership, mode). */
    void handOver(Path path) throws IOException;

    /** Where pg_ctl writes the server log. */
    Path serverLog();

    /**
     * The file names in the image's PostgreSQL library directory ({@code pg_config --pkglibdir}), e.g.
     * {@code pg_documentdb.so}; empty when this runner cannot tell.
     */
    default Optional<Set<String>> serverLibraries() throws IOException, InterruptedException {
        return Optional.empty();
    }
}

package org.ferretdboperator.coordinator.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.ferretdboperator.coordinator.process.Processes;

/**
 * {@code postmaster.pid}: the postmaster's pid is its first line. The file outlives a postmaster that died with its
 * container or its node, and in a pod's shared process namespace its pid is then often another program's (the
 * coordinator's JVM, the runner, the pause process). So the pid names the postmaster only while a process named
 * postgres runs under it, as runner.sh also judges. Not the start time on the file's third line (Patroni's check):
 * a clock stepped after the start, as NTP does early after a node boots, would make a running postmaster look gone,
 * and a postmaster thought gone is neither fenced nor kept from a second start.
 */
public final class PostmasterPidFile {

    public static final String NAME = "postmaster.pid";

    private PostmasterPidFile() {
    }

    /** The pid in {@code pgdata}'s pid file; empty when there is none or it holds no positive pid. */
    static Optional<Long> pid(Path pgdata) {
        return pidIn(pgdata.resolve(NAME));
    }

    /**
     * The lock file PostgreSQL keeps beside its unix socket: the same format as {@code postmaster.pid}, the same check
     * at start ("lock file .s.PGSQL.5432.lock already exists"), and it outlives a lost node in the pod's emptyDir the
     * same way.
     */
    public static Path socketLockFile(Path socketDir, int port) {
        return socketDir.resolve(".s.PGSQL." + port + ".lock");
    }

    private static Optional<Long> pidIn(Path lockFile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(lockFile);
        } catch (IOException e) {
            return Optional.empty();
        }
        return parsePid(lines);
    }

    static Optional<Long> parsePid(List<String> lines) {
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).strip());
            // a single-user backend (pg_rewind's crash recovery) writes its pid negated: no postmaster there
            return pid > 0 ? Optional.of(pid) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // being written
        }
    }

    /**
     * Whether a pid from the file names a running postmaster, from what is known of that process now: whether it is
     * alive (not a zombie), whether it is this very process, and its program name (empty when unknown: then it is
     * taken to be the postmaster, which errs towards fencing it and not starting a second one).
     */
    static boolean namesPostmaster(boolean alive, boolean self, Optional<String> program) {
        return alive && !self && program.map(PostmasterPidFile::isPostgres).orElse(true);
    }

    /**
     * Whether the file is stale in the one way that stops PostgreSQL from starting: its pid is now a live program
     * other than postgres (PostgreSQL refuses to start while the pid in its lock file answers a signal). A pid that is
     * gone needs nothing: PostgreSQL then takes the file over itself.
     */
    static boolean blocksStart(boolean alive, boolean self, Optional<String> program) {
        return alive && (self || program.map(p -> !isPostgres(p)).orElse(false));
    }

    static boolean isPostgres(String program) {
        return program.equals("postgres") || program.equals("postmaster");
    }

    /** The pid of the postmaster running on {@code pgdata}, from its pid file; empty when none runs. */
    public static Optional<Long> runningPostmaster(Path pgdata) {
        return pid(pgdata).filter(p -> namesPostmaster(Processes.alive(p), self(p), Processes.programName(p)));
    }

    /**
     * Removes the pid file when it {@linkplain #blocksStart blocks a start}; says which pid and program it named, or
     * empty when it was left.
     */
    public static Optional<String> removeIfBlockingStart(Path pgdata) throws IOException {
        return removeLockIfBlockingStart(pgdata.resolve(NAME));
    }

    /** The same for any of PostgreSQL's lock files ({@link #socketLockFile}). */
    public static Optional<String> removeLockIfBlockingStart(Path lockFile) throws IOException {
        Optional<Long> pid = pidIn(lockFile);
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        long p = pid.get();
        Optional<String> program = Processes.programName(p);
        if (!blocksStart(Processes.alive(p), self(p), program)) {
            return Optional.empty();
        }
        Files.deleteIfExists(lockFile);
        return Optional.of("pid " + p + " (now " + program.orElse("this coordinator") + ")");
    }

    private static boolean self(long pid) {
        return pid == ProcessHandle.current().pid();
    }
}

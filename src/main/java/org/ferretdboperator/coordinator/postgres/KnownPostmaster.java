package org.ferretdboperator.coordinator.postgres;

import java.util.Optional;

import org.ferretdboperator.coordinator.process.Processes;

/**
 * The postmaster last seen running on this member's data directory. Remembered because its pid file can vanish with
 * the data directory while the server runs on (a wiped volume): fencing must still reach it.
 */
public final class KnownPostmaster {

    private volatile long pid = -1;

    void seen(long postmasterPid) {
        pid = postmasterPid;
    }

    /**
     * The remembered pid while a process named postgres still runs under it; empty once it exited, or when the pid
     * now belongs to some other program (pids are reused).
     */
    Optional<Long> stillRunning() {
        long p = pid;
        if (p <= 0) {
            return Optional.empty();
        }
        // unlike the pid file's pid, an unknown program is not taken for the server: only seen pids are remembered
        boolean postgres = Processes.alive(p) && Processes.programName(p).map(PostmasterPidFile::isPostgres).orElse(false);
        return postgres ? Optional.of(p) : Optional.empty();
    }
}

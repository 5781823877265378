package org.ferretdboperator.coordinator.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Process liveness as PostgreSQL's lifecycle needs it. */
public final class Processes {

    private Processes() {
    }

    /**
     * Alive and not a zombie. A postmaster started through pg_ctl is re-parented to PID 1, which may reap it late; an
     * exited postmaster must count as gone at once, or fencing would wait for the reaper.
     */
    public static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}

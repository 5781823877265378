package org.ferretdboperator.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.ferretdboperator.coordinator.process.Processes;

/** The postmaster of a member's data directory, whichever agent started it. */
public final class Postmaster {

    private Postmaster() {
    }

    /** The running postmaster of {@code pgdata}, from its postmaster.pid. */
    public static Optional<Long> pid(Path pgdata) {
        Path pidFile = pgdata.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty() || lines.get(0).isBlank()) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).strip());
            // a stale pid file after a crash may name a pid some other process reuses now
            boolean postgres = ProcessHandle.of(pid).flatMap(h -> h.info().command()).map(c -> c.endsWith("/postgres"))
                    .orElse(false);
            return postgres && Processes.alive(pid) ? Optional.of(pid) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            // unreadable or half-written: no running postmaster to name
            return Optional.empty();
        }
    }
}

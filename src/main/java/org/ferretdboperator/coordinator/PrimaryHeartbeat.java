package org.ferretdboperator.coordinator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.ferretdboperator.contract.PodContract;

/**
 * The dead-man's switch of {@link PodContract#PRIMARY_HEARTBEAT_FILE}: rewritten with new content after each successful
 * renew while this member's PostgreSQL is primary, removed when it stops being primary. If the coordinator freezes or
 * dies, the content stops changing and the postgres container's runner stops PostgreSQL once renewDeadline has passed
 * on its own clock. The runner watches the content, not the modification time, so no clock is shared between the
 * containers. Disabled when no path is set.
 */
final class PrimaryHeartbeat {

    private final Optional<Path> file;

    PrimaryHeartbeat(Optional<Path> file) {
        this.file = file;
    }

    /** Called by the loop and by the background renewer: one writer at a time, each by atomic rename. */
    synchronized void beat() {
        file.ifPresent(f -> {
            try {
                Files.createDirectories(f.getParent());
                Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
                // CLOCK_MONOTONIC: increases across coordinator restarts too, so every beat is new content
                Files.writeString(tmp, System.nanoTime() + "\n");
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // the runner then fences a primary it cannot see renewed: safe, and logged by the loop's readiness
            }
        });
    }

    synchronized void stop() {
        file.ifPresent(f -> {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // nothing else to do
            }
        });
    }
}

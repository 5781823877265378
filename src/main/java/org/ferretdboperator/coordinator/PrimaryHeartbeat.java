package org.ferretdboperator.coordinator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.ferretdboperator.contract.PodContract;

/**
 * The dead-man's switch of {@link PodContract#PRIMARY_HEARTBEAT_FILE}: refreshed after each successful renew while
 * this member's PostgreSQL is primary, removed when it stops being primary. If the coordinator dies, the file ages and
 * the postgres container's runner stops PostgreSQL before the Lease can be taken over. Disabled when no path is set.
 */
final class PrimaryHeartbeat {

    private final Optional<Path> file;

    PrimaryHeartbeat(Optional<Path> file) {
        this.file = file;
    }

    void beat() {
        file.ifPresent(f -> {
            try {
                if (!Files.exists(f)) {
                    Files.createDirectories(f.getParent());
                    Files.writeString(f, "");
                }
                Files.setLastModifiedTime(f, FileTime.from(Instant.now()));
            } catch (IOException e) {
                // the runner then fences a primary it cannot see renewed: safe, and logged by the loop's readiness
            }
        });
    }

    void stop() {
        file.ifPresent(f -> {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // nothing else to do
            }
        });
    }
}

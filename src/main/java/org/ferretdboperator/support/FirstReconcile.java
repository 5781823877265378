package org.ferretdboperator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Logs the operator's first reconcile of this process, once, with the time since the process started: the mark
 * hack/startup-bench.sh measures start-up to.
 */
public final class FirstReconcile {

    private static final Logger LOG = Logger.getLogger(FirstReconcile.class);
    private static final AtomicBoolean SEEN = new AtomicBoolean();

    private FirstReconcile() {
    }

    public static void mark(HasMetadata resource) {
        if (SEEN.compareAndSet(false, true)) {
            LOG.infof("first reconcile: %s %s/%s, %d ms after the process started", resource.getKind(),
                    resource.getMetadata().getNamespace(), resource.getMetadata().getName(), sinceProcessStart());
        }
    }

    static long sinceProcessStart() {
        return ProcessHandle.current().info().startInstant()
                .map(start -> Duration.between(start, Instant.now()).toMillis())
                .orElse(-1L);
    }
}

package org.ferretdboperator.coordinator.postgres;

import java.io.IOException;

/** pg_rewind could not run yet (the leader's pg_control predates its promotion); not a failure of the rewind. */
public final class RewindNotReadyException extends IOException {

    public RewindNotReadyException(String message) {
        super(message);
    }
}

package org.ferretdboperator.coordinator.postgres;

import java.io.IOException;

/**
 * The postgres container's image cannot serve this backend (it lacks libraries the configuration needs). No retry
 * helps until the image changes, so the coordinator publishes the message for the operator's status.
 */
public final class UnusableImageException extends IOException {

    public UnusableImageException(String message) {
        super(message);
    }
}

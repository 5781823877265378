package org.ferretdboperator.status;

import java.util.Objects;

/**
 * Something only the reconciler can detect that stops it from building the desired state (the CRD schema cannot
 * express it). It becomes the reason and message of a condition and of a Warning event.
 *
 * @param reason  condition and event reason, e.g. {@code InvalidVersion}
 * @param field   the path of the field to fix, e.g. {@code spec.authSecret.name}
 * @param message what is wrong; starts with {@code field}, so a reader of the condition knows where to look
 */
public record Problem(String reason, String field, String message) {

    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String INVALID_VERSION = "InvalidVersion";
    public static final String DEPRECATED_VERSION = "DeprecatedVersion";
    public static final String AUTH_SECRET_NOT_FOUND = "AuthSecretNotFound";
    public static final String AUTH_SECRET_INVALID = "AuthSecretInvalid";
    public static final String UNSUPPORTED = "Unsupported";

    public Problem {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
        if (!message.startsWith(field)) {
            throw new IllegalArgumentException("a problem's message must start with its field " + field + ": " + message);
        }
    }

    /** An {@link #INVALID_SPEC} problem whose message is {@code "<field>: <detail>"}. */
    public static Problem invalidSpec(String field, String detail) {
        return new Problem(INVALID_SPEC, field, field + ": " + detail);
    }
}

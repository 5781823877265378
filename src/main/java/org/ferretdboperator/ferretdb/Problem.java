package org.ferretdboperator.ferretdb;

/**
 * Something only the reconciler can detect that stops it from building the desired state. It becomes the reason and
 * message of the {@code Ready} condition and a Warning event; the message names the field to fix.
 *
 * @param reason  condition reason, e.g. {@code InvalidVersion}
 * @param message what is wrong, starting with the field path
 */
public record Problem(String reason, String message) {

    public static final String INVALID_VERSION = "InvalidVersion";
    public static final String DEPRECATED_VERSION = "DeprecatedVersion";
    public static final String AUTH_SECRET_NOT_FOUND = "AuthSecretNotFound";
    public static final String AUTH_SECRET_INVALID = "AuthSecretInvalid";
    public static final String INVALID_SPEC = "InvalidSpec";
    public static final String UNSUPPORTED = "Unsupported";
}

package org.ferretdboperator.controlplane;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what the in-process operator logs about requests the API server refused with 403 for its ServiceAccount
 * (a missing RBAC rule, or a Role it may not grant), so a test fails with the API server's own words instead of a bare
 * timeout. The reconcilers retry such errors, so they surface only in the log.
 */
public final class ForbiddenRequests extends Handler {

    private static final ForbiddenRequests INSTANCE = new ForbiddenRequests();

    private final List<String> messages = new CopyOnWriteArrayList<>();

    /** Starts collecting from the root logger; call it after the application started (its log set-up resets handlers). */
    public static synchronized ForbiddenRequests collect() {
        Logger root = Logger.getLogger("");
        if (!Arrays.asList(root.getHandlers()).contains(INSTANCE)) {
            root.addHandler(INSTANCE);
        }
        return INSTANCE;
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    public boolean any() {
        return !messages.isEmpty();
    }

    @Override
    public void publish(LogRecord record) {
        // The API server's words: "<resource> is forbidden: User \"system:serviceaccount:...\" cannot <verb> ..." or
        // "... is forbidden: user ... is attempting to grant RBAC permissions not currently held: ..."
        for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
            if (refusal(t.getMessage())) {
                add(t.getMessage());
                return;
            }
        }
        if (refusal(record.getMessage())) {
            add(record.getMessage());
        }
    }

    private static boolean refusal(String message) {
        return message != null && message.toLowerCase(Locale.ROOT).contains(" is forbidden: user \"system:serviceaccount:");
    }

    private void add(String message) {
        // fabric8: "Failure executing: PATCH at: <url>. Message: <the API server's message>. Received status: Status(...)"
        int start = message.indexOf("Message: ");
        int end = message.indexOf(". Received status:");
        String text = start >= 0 && end > start ? message.substring(start + "Message: ".length(), end) : message;
        // The reconcilers retry: the same refusal is logged many times.
        if (!messages.contains(text)) {
            messages.add(text);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}

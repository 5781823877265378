package org.ferretdboperator.harness.ferretdb;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** The harness's log line format (time, tag, message) on stderr, for the FerretDB test classes. */
final class Log {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private Log() {
    }

    static void log(String format, Object... args) {
        System.err.println(LocalTime.now().format(TIME) + " [ferretdb] " + format.formatted(args));
    }

    static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package org.ferretdboperator.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A short directory for a local PostgreSQL's unix socket. A socket's path ({@code <dir>/.s.PGSQL.<port>}) may not
 * exceed 107 bytes (the size of {@code sun_path}); a member directory under a checkout in a temporary directory
 * easily does, and PostgreSQL then refuses to start ("could not create any Unix-domain sockets"). In a pod the
 * socket lives in {@code /var/run/postgresql}; here each member gets its own directory under {@code /tmp}.
 */
public final class SocketDirectory {

    /** {@code sizeof(struct sockaddr_un.sun_path)} on Linux, less the terminating NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = 107;
    /** Leaves room for {@code /tmp/pgsock-}, the temporary name's random part and {@code /.s.PGSQL.<port>}. */
    static final int MAX_PREFIX_CHARS = 48;

    private SocketDirectory() {
    }

    /**
     * Creates a fresh world-traversable directory under {@code /tmp} for the socket of a server on {@code port}, and
     * fails at once, naming the path, if the socket's path would be too long.
     */
    public static Path create(String prefix, int port) {
        Path dir;
        String readable = prefix.replaceAll("[^A-Za-z0-9-]", "-");
        // only a hint for people (the temporary name is unique anyway): its end names the member, so keep that
        readable = readable.length() > MAX_PREFIX_CHARS ? readable.substring(readable.length() - MAX_PREFIX_CHARS) : readable;
        try {
            dir = Files.createTempDirectory(Path.of("/tmp"), "pgsock-" + readable + "-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a socket directory under /tmp", e);
        }
        requireShortEnough(dir, port);
        return dir;
    }

    /** Fails, naming the path, when PostgreSQL could not create its socket for {@code port} in {@code dir}. */
    public static void requireShortEnough(Path dir, int port) {
        String socket = dir.resolve(".s.PGSQL." + port).toString();
        int bytes = socket.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH_BYTES) {
            throw new IllegalStateException("PostgreSQL's unix socket " + socket + " would be " + bytes
                    + " bytes long; the limit is " + MAX_SOCKET_PATH_BYTES + ". Use a shorter socket directory.");
        }
    }
}

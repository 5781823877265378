package org.ferretdboperator.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A kubeconfig (0600) that authenticates with a bearer token only: no client certificate that could authenticate the
 * holder as someone else.
 */
public final class TokenKubeconfig {

    private TokenKubeconfig() {
    }

    /**
     * Writes it to {@code file} (replacing what is there) and returns the file.
     *
     * @param server  https://host:port of the API server (or of a proxy in front of it)
     * @param caData  base64 PEM of the cluster CA, as kubeconfig's certificate-authority-data
     */
    public static Path write(Path file, String server, String caData, String user, String token, String namespace) {
        String content = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: local
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: %s
                  user:
                    token: %s
                contexts:
                - name: %s
                  context:
                    cluster: local
                    user: %s
                    namespace: %s
                current-context: %s
                """.formatted(server, caData, user, token, user, user, namespace, user);
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}

package org.ferretdboperator.coordinator.archive;

import static org.ferretdboperator.contract.ArchiverEnvironment.BUCKET;
import static org.ferretdboperator.contract.ArchiverEnvironment.CA_FILE;
import static org.ferretdboperator.contract.ArchiverEnvironment.COMPRESSION;
import static org.ferretdboperator.contract.ArchiverEnvironment.CREDENTIALS_DIR;
import static org.ferretdboperator.contract.ArchiverEnvironment.ENDPOINT;
import static org.ferretdboperator.contract.ArchiverEnvironment.PATH;
import static org.ferretdboperator.contract.ArchiverEnvironment.REGION;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the WAL archive lives, as {@link org.ferretdboperator.contract.ArchiverEnvironment} gives it. Holds no secret:
 * the access keys stay in the files of {@code credentialsDir} until the archiver's configuration is written.
 *
 * @param host        endpoint host
 * @param port        endpoint port (443 when the endpoint names none)
 * @param path        the repository's prefix in the bucket, starting with '/'
 * @param compression pgBackRest's compress-type
 */
public record ArchiveSettings(String bucket, String host, int port, String path, String region, String compression,
        Optional<Path> caFile, Path credentialsDir) {

    static final Set<String> COMPRESSIONS = Set.of("none", "gz", "lz4", "zst", "bz2");

    /** Empty when archiving is off (no bucket); every problem of the rest is named by its variable, all at once. */
    public static Optional<ArchiveSettings> fromEnvironment(Map<String, String> env) {
        String bucket = blankToNull(env.get(BUCKET));
        if (bucket == null) {
            return Optional.empty();
        }
        List<String> problems = new ArrayList<>();
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            problems.add(BUCKET + "=" + bucket + ": not an S3 bucket name (3-63 of a-z, 0-9, '.', '-')");
        }
        String host = null;
        int port = 443;
        String endpoint = blankToNull(env.get(ENDPOINT));
        if (endpoint == null) {
            problems.add(ENDPOINT + " is required with " + BUCKET + " (https://host[:port])");
        } else {
            try {
                URI uri = URI.create(endpoint);
                if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    problems.add(ENDPOINT + "=" + endpoint + ": must be https://host[:port] (pgBackRest speaks TLS only)");
                } else {
                    host = uri.getHost();
                    port = uri.getPort() < 0 ? 443 : uri.getPort();
                }
            } catch (IllegalArgumentException e) {
                problems.add(ENDPOINT + "=" + endpoint + ": " + e.getMessage());
            }
        }
        String path = Optional.ofNullable(blankToNull(env.get(PATH))).orElse("/");
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        if (path.contains("..") || path.matches(".*\\s.*")) {
            problems.add(PATH + "=" + path + ": no '..' or whitespace");
        }
        String region = Optional.ofNullable(blankToNull(env.get(REGION))).orElse("us-east-1");
        String compression = Optional.ofNullable(blankToNull(env.get(COMPRESSION))).orElse("lz4");
        if (!COMPRESSIONS.contains(compression)) {
            problems.add(COMPRESSION + "=" + compression + ": one of " + COMPRESSIONS.stream().sorted().toList());
        }
        String credentials = blankToNull(env.get(CREDENTIALS_DIR));
        if (credentials == null) {
            problems.add(CREDENTIALS_DIR + " is required with " + BUCKET + " (the mounted credentials Secret)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("WAL archiving: " + String.join("; ", problems));
        }
        return Optional.of(new ArchiveSettings(bucket, host, port, path, region, compression,
                Optional.ofNullable(blankToNull(env.get(CA_FILE))).map(Path::of), Path.of(credentials)));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}

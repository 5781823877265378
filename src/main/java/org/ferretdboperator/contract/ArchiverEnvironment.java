package org.ferretdboperator.contract;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a backend pod tells its coordinator to archive WAL to S3-compatible object storage: non-secret settings as
 * environment variables (the names follow KubeDB's archiver / CloudNativePG's barmanObjectStore fields), the access keys
 * only as files of a directory mounted from a Secret (keys {@value #ACCESS_KEY_ID_FILE}, {@value #SECRET_ACCESS_KEY_FILE},
 * KubeDB's Secret keys). No {@value #BUCKET} means no archiving.
 */
public final class ArchiverEnvironment {

    public static final String BUCKET = "ARCHIVER_BUCKET";
    /** https://host[:port] of the S3 API. */
    public static final String ENDPOINT = "ARCHIVER_ENDPOINT";
    /** Prefix inside the bucket (CloudNativePG's destinationPath path part). */
    public static final String PATH = "ARCHIVER_PATH";
    public static final String REGION = "ARCHIVER_REGION";
    /** none | gz | lz4 | zst | bz2 */
    public static final String COMPRESSION = "ARCHIVER_COMPRESSION";
    /** A CA bundle file that signs the endpoint's certificate (self-hosted S3); unset: the system's CAs. */
    public static final String CA_FILE = "ARCHIVER_CA_FILE";
    /** The directory the credentials Secret is mounted at. */
    public static final String CREDENTIALS_DIR = "ARCHIVER_CREDENTIALS_DIR";

    public static final String ACCESS_KEY_ID_FILE = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_ACCESS_KEY_FILE = "AWS_SECRET_ACCESS_KEY";
    /** KubeStash's key for the CA bundle of a self-hosted endpoint, mounted as a file beside the access keys. */
    public static final String CA_CERT_FILE = "CA_CERT_DATA";

    /** The pod volume of the credentials Secret. */
    public static final String VOLUME = "archiver-credentials";
    /**
     * Where a backend pod mounts it, in both containers: the coordinator reads the keys, and the postgres container's
     * archive_command (pgBackRest) reads the CA bundle by this path.
     */
    public static final String MOUNT_PATH = "/etc/pg-coordinator/archiver";

    /**
     * The variables for one archive, as the coordinator's {@code ArchiveSettings.fromEnvironment} reads them.
     *
     * @param caFile null: the system's CAs
     */
    public static Map<String, String> environment(String bucket, String endpoint, String path, String region,
            String compression, String credentialsDir, String caFile) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(BUCKET, bucket);
        env.put(ENDPOINT, endpoint);
        putIfSet(env, PATH, path);
        putIfSet(env, REGION, region);
        putIfSet(env, COMPRESSION, compression);
        putIfSet(env, CA_FILE, caFile);
        env.put(CREDENTIALS_DIR, credentialsDir);
        return env;
    }

    private static void putIfSet(Map<String, String> env, String name, String value) {
        if (value != null && !value.isBlank()) {
            env.put(name, value);
        }
    }

    private ArchiverEnvironment() {
    }
}

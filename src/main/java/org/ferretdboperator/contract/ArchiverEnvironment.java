package org.ferretdboperator.contract;

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

    private ArchiverEnvironment() {
    }
}

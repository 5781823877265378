package org.ferretdboperator.api.postgres;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Continuous WAL archiving of a Postgres to S3-compatible object storage, inline on the object (why inline and not
 * KubeDB's referenced PostgresArchiver: docs/backups.md). The storage fields are KubeStash's BackupStorage S3 fields.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.ref)", message = "archiver.ref (KubeDB's PostgresArchiver object) is not supported: configure the store inline in archiver.s3")
@ValidationRule(value = "has(self.s3)", message = "archiver.s3 is required: the S3-compatible store the WAL is archived to")
public class ArchiverSpec {

    @JsonPropertyDescription("KubeDB's reference to a PostgresArchiver object. Refused: this operator takes the store inline (s3).")
    private ArchiverReference ref;

    @JsonPropertyDescription("The S3-compatible store (KubeStash's BackupStorage s3 fields).")
    private ArchiverS3Spec s3;

    @JsonPropertyDescription("Compression of archived WAL (pgBackRest compress-type): none, gz, lz4, zst or bz2.")
    @Default("lz4")
    private ArchiverCompression compression;

    @JsonPropertyDescription("How long backups are kept, as in CloudNativePG: a number and d (days), w (weeks) or m (months), e.g. 30d. Accepted and validated; deletion past retention comes with the backup objects and is not carried out yet.")
    @Pattern("^[1-9][0-9]*[dwm]$")
    private String retentionPolicy;

    public ArchiverReference getRef() {
        return ref;
    }

    public void setRef(ArchiverReference ref) {
        this.ref = ref;
    }

    public ArchiverS3Spec getS3() {
        return s3;
    }

    public void setS3(ArchiverS3Spec s3) {
        this.s3 = s3;
    }

    public ArchiverCompression getCompression() {
        return compression;
    }

    public void setCompression(ArchiverCompression compression) {
        this.compression = compression;
    }

    public String getRetentionPolicy() {
        return retentionPolicy;
    }

    public void setRetentionPolicy(String retentionPolicy) {
        this.retentionPolicy = retentionPolicy;
    }
}

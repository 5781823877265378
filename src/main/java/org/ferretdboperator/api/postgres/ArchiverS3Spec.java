package org.ferretdboperator.api.postgres;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Where WAL is archived, with KubeStash's BackupStorage field names (KubeDB's archiver stores there) and the same
 * Secret keys: {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and, for a self-hosted endpoint,
 * {@code CA_CERT_DATA}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.prefix) || !self.prefix.contains('..')", message = "s3.prefix must not contain '..'")
public class ArchiverS3Spec {

    @JsonPropertyDescription("The bucket (3-63 of a-z, 0-9, '.', '-'). It must exist.")
    @Required
    @Pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    private String bucket;

    @JsonPropertyDescription("The S3 API as https://host[:port] (pgBackRest speaks TLS only), e.g. https://s3.us-east-1.amazonaws.com or https://minio.storage.svc:9000.")
    @Required
    @Pattern("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?/?$")
    private String endpoint;

    @JsonPropertyDescription("The path inside the bucket the repository is kept under (KubeStash's prefix), e.g. demo/ferret. Default: the bucket's root.")
    @Pattern("^/?([A-Za-z0-9._-]+/?)*$")
    private String prefix;

    @JsonPropertyDescription("The bucket's region; us-east-1 when unset (what most self-hosted servers accept).")
    @Default("us-east-1")
    @Pattern("^[a-z0-9-]+$")
    private String region;

    @JsonPropertyDescription("Secret in the object's namespace with keys AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and CA_CERT_DATA (a PEM bundle) when the endpoint's certificate is not signed by a public CA. Mounted as files, never put in the environment.")
    @Required
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    private String secretName;

    public String getBucket() {
        return bucket;
    }

    public void setBucket(String bucket) {
        this.bucket = bucket;
    }

    public String getEndpoint() {
        return endpoint;
    }

    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    public String getPrefix() {
        return prefix;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }

    public String getRegion() {
        return region;
    }

    public void setRegion(String region) {
        this.region = region;
    }

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }
}

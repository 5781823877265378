package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** The fields both request kinds share, with KubeDB's names and defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class OpsRequestSpecBase {

    @Required
    @JsonPropertyDescription("The database this request acts on, by name in the request's namespace.")
    private DatabaseRef databaseRef;

    @JsonPropertyDescription("Deadline for each step as a Go duration (e.g. 5m, 90s). A step that does not finish in time fails the request. Default 10m.")
    @Pattern("^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$")
    private String timeout;

    @JsonPropertyDescription("IfReady (default): start only on a database whose phase is Ready, else fail. Always: start whatever the phase.")
    @Default("IfReady")
    private ApplyOption apply;

    @JsonPropertyDescription("How often a failed step is retried before the request fails (KubeDB's field; default 1).")
    @Default("1")
    @Min(0)
    private Integer maxRetries;

    @JsonPropertyDescription("Options of a Restart (none: the type alone says what to do).")
    private RestartSpec restart;

    @JsonPropertyDescription("UpdateVersion: targetVersion. Accepted as KubeDB defines it; not carried out yet (a request of this type fails saying so).")
    private JsonNode updateVersion;

    @JsonPropertyDescription("VerticalScaling: the resources of each container group, as KubeDB names them for the kind. Accepted as KubeDB defines it; not carried out yet (a request of this type fails saying so).")
    private JsonNode verticalScaling;

    @JsonPropertyDescription("ReconfigureTLS: TLS configuration, sslMode (and clientAuthMode for Postgres). Accepted as KubeDB defines it; not carried out yet (a request of this type fails saying so).")
    private JsonNode tls;

    @JsonPropertyDescription("RotateAuth: secretRef. Accepted as KubeDB defines it; not carried out yet (a request of this type fails saying so).")
    private JsonNode authentication;

    public DatabaseRef getDatabaseRef() {
        return databaseRef;
    }

    public void setDatabaseRef(DatabaseRef databaseRef) {
        this.databaseRef = databaseRef;
    }

    public String getTimeout() {
        return timeout;
    }

    public void setTimeout(String timeout) {
        this.timeout = timeout;
    }

    public ApplyOption getApply() {
        return apply;
    }

    public void setApply(ApplyOption apply) {
        this.apply = apply;
    }

    public Integer getMaxRetries() {
        return maxRetries;
    }

    public void setMaxRetries(Integer maxRetries) {
        this.maxRetries = maxRetries;
    }

    public RestartSpec getRestart() {
        return restart;
    }

    public void setRestart(RestartSpec restart) {
        this.restart = restart;
    }

    public JsonNode getUpdateVersion() {
        return updateVersion;
    }

    public void setUpdateVersion(JsonNode updateVersion) {
        this.updateVersion = updateVersion;
    }

    public JsonNode getVerticalScaling() {
        return verticalScaling;
    }

    public void setVerticalScaling(JsonNode verticalScaling) {
        this.verticalScaling = verticalScaling;
    }

    public JsonNode getTls() {
        return tls;
    }

    public void setTls(JsonNode tls) {
        this.tls = tls;
    }

    public JsonNode getAuthentication() {
        return authentication;
    }

    public void setAuthentication(JsonNode authentication) {
        this.authentication = authentication;
    }
}

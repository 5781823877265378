package org.ferretdboperator.api.catalog;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FerretDBVersionSpec {

    @JsonPropertyDescription("The FerretDB version this entry describes; FerretDB objects name the entry in spec.version.")
    @Required
    private String version;

    @JsonPropertyDescription("The FerretDB server image.")
    @Required
    private ImageSpec db;

    @JsonPropertyDescription("The PostgreSQL backend this FerretDB version runs on.")
    @Required
    private BackendPostgresSpec postgres;

    @JsonPropertyDescription("When true a new FerretDB naming this entry is refused (reason DeprecatedVersion).")
    private Boolean deprecated;

    @JsonPropertyDescription("KubeDB catalog field; informational, not acted on.")
    private Boolean endOfLife;

    @JsonPropertyDescription("KubeDB catalog field (versions an update may go to); informational, not acted on.")
    private UpdateConstraints updateConstraints;

    @JsonPropertyDescription("User the FerretDB server container runs as.")
    private VersionSecurityContext securityContext;

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public ImageSpec getDb() {
        return db;
    }

    public void setDb(ImageSpec db) {
        this.db = db;
    }

    public BackendPostgresSpec getPostgres() {
        return postgres;
    }

    public void setPostgres(BackendPostgresSpec postgres) {
        this.postgres = postgres;
    }

    public Boolean getDeprecated() {
        return deprecated;
    }

    public void setDeprecated(Boolean deprecated) {
        this.deprecated = deprecated;
    }

    public Boolean getEndOfLife() {
        return endOfLife;
    }

    public void setEndOfLife(Boolean endOfLife) {
        this.endOfLife = endOfLife;
    }

    public UpdateConstraints getUpdateConstraints() {
        return updateConstraints;
    }

    public void setUpdateConstraints(UpdateConstraints updateConstraints) {
        this.updateConstraints = updateConstraints;
    }

    public VersionSecurityContext getSecurityContext() {
        return securityContext;
    }

    public void setSecurityContext(VersionSecurityContext securityContext) {
        this.securityContext = securityContext;
    }
}

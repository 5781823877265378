package org.ferretdboperator.api.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FerretDBVersionSpec {

    @Required
    private String version;

    @Required
    private ImageSpec db;

    @Required
    private BackendPostgresSpec postgres;

    private Boolean deprecated;

    private Boolean endOfLife;

    private UpdateConstraints updateConstraints;

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

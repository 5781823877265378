package org.ferretdboperator.api.postgres;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A non-superuser login role that the primary's coordinator keeps in place, owning one database. FerretDB connects as such a role, never as postgres. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatabaseUser {

    @Required
    @JsonPropertyDescription("Secret with keys username and password.")
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    private String secretName;

    @Required
    @JsonPropertyDescription("Database the role owns; created when missing.")
    @Pattern("^[a-z_][a-z0-9_]{0,62}$")
    private String database;

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }

    public String getDatabase() {
        return database;
    }

    public void setDatabase(String database) {
        this.database = database;
    }
}

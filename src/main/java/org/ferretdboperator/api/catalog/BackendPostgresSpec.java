package org.ferretdboperator.api.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** The PostgreSQL the backend runs for this FerretDB version (FerretDB 2.x needs the DocumentDB extension). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackendPostgresSpec {

    @JsonPropertyDescription("PostgreSQL version of the backend, e.g. 17.4.")
    @Required
    private String version;

    @Required
    @JsonPropertyDescription("PostgreSQL server image for the backend's postgres container.")
    private String image;

    @JsonPropertyDescription("Server distribution: PostgreSQL, or DocumentDB for FerretDB 2.x.")
    private String distribution;

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public String getDistribution() {
        return distribution;
    }

    public void setDistribution(String distribution) {
        this.distribution = distribution;
    }
}

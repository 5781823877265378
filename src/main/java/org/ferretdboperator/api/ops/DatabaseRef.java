package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** The database a request acts on, in the request's namespace (KubeDB's databaseRef, a LocalObjectReference). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DatabaseRef {

    @Required
    @JsonPropertyDescription("Name of the database object in this namespace.")
    private String name;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}

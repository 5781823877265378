package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** Names a Secret in the object's namespace holding keys {@code username} and {@code password}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretReference {

    @JsonPropertyDescription("Name of the Secret (keys username and password). Generated when absent.")
    @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
    private String name;

    @JsonPropertyDescription("When true the user manages the Secret; the operator never creates, changes or deletes it.")
    private Boolean externallyManaged;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Boolean getExternallyManaged() {
        return externallyManaged;
    }

    public void setExternallyManaged(Boolean externallyManaged) {
        this.externallyManaged = externallyManaged;
    }
}

package org.ferretdboperator.api.postgres;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** KubeDB's {@code spec.archiver.ref}: kept in the schema so that such a manifest is refused with a message, not pruned. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ArchiverReference {

    @JsonPropertyDescription("Name of KubeDB's PostgresArchiver object (refused).")
    private String name;

    @JsonPropertyDescription("Namespace of KubeDB's PostgresArchiver object (refused).")
    private String namespace;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }
}

package org.ferretdboperator.api.ferretdb;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;

/** FerretDB server pods: primary ones talk to the PostgreSQL primary, secondary ones to the standbys (read-only). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServerSpec {

    @JsonPropertyDescription("Servers behind Service <name>: read and write through the backend's primary (at least 1 replica).")
    private ServerGroupSpec primary;

    @JsonPropertyDescription("Servers behind Service <name>-secondary: read from the backend's standbys.")
    private ServerGroupSpec secondary;

    public ServerGroupSpec getPrimary() {
        return primary;
    }

    public void setPrimary(ServerGroupSpec primary) {
        this.primary = primary;
    }

    public ServerGroupSpec getSecondary() {
        return secondary;
    }

    public void setSecondary(ServerGroupSpec secondary) {
        this.secondary = secondary;
    }
}

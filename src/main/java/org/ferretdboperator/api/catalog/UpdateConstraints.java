package org.ferretdboperator.api.catalog;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpdateConstraints {

    @JsonPropertyDescription("Versions (or ranges) an update may go to.")
    private List<String> allowlist;

    @JsonPropertyDescription("Versions (or ranges) an update must not go to.")
    private List<String> denylist;

    public List<String> getAllowlist() {
        return allowlist;
    }

    public void setAllowlist(List<String> allowlist) {
        this.allowlist = allowlist;
    }

    public List<String> getDenylist() {
        return denylist;
    }

    public void setDenylist(List<String> denylist) {
        this.denylist = denylist;
    }
}

package org.ferretdboperator.api.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpdateConstraints {

    private List<String> allowlist;

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

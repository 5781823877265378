package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** Where a planned switchover moves the primary. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SwitchoverSpec {

    @JsonPropertyDescription("The member (pod name, e.g. <postgres>-1) to promote. When absent, the most advanced healthy standby "
            + "in the synchronous set (Synchronous mode) or of all standbys (Asynchronous mode).")
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
    private String target;

    public String getTarget() {
        return target;
    }

    public void setTarget(String target) {
        this.target = target;
    }
}

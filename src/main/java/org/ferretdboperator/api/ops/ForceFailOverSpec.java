package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** KubeDB's {@code forceFailOver} block: which members a forced failover may promote. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ForceFailOverSpec {

    @JsonPropertyDescription("Members (pod names, e.g. <postgres>-2) that may be promoted; the most advanced reachable one "
            + "is chosen. Empty or absent: any member.")
    private List<String> candidates = new ArrayList<>();

    public List<String> getCandidates() {
        return candidates;
    }

    public void setCandidates(List<String> candidates) {
        this.candidates = candidates;
    }
}

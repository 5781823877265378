package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** KubeDB's OpsRequestStatus: phase, the generation it describes, and one condition per step. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OpsRequestStatus {

    @JsonPropertyDescription("Pending (waiting for another request on the same database), Progressing, Successful or Failed.")
    private OpsRequestPhase phase;

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("One condition per step, and Successful or Failed at the end with the reason.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("PostgresOpsRequest ForceFailOver: who was promoted and what may have been lost.")
    private ForceFailOverStatus forceFailOver;

    public OpsRequestPhase getPhase() {
        return phase;
    }

    public void setPhase(OpsRequestPhase phase) {
        this.phase = phase;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    public ForceFailOverStatus getForceFailOver() {
        return forceFailOver;
    }

    public void setForceFailOver(ForceFailOverStatus forceFailOver) {
        this.forceFailOver = forceFailOver;
    }
}

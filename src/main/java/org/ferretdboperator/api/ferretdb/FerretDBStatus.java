package org.ferretdboperator.api.ferretdb;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import org.ferretdboperator.api.common.Phase;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FerretDBStatus {

    @JsonPropertyDescription("Provisioning, Ready, Critical (serves with members missing), NotReady (does not serve) or Halted.")
    private Phase phase;

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Conditions: ProvisioningStarted, ReplicaReady, AcceptingConnection, Ready, Provisioned, and others (docs/troubleshooting.md).")
    private List<Condition> conditions = new ArrayList<>();

    public Phase getPhase() {
        return phase;
    }

    public void setPhase(Phase phase) {
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
}

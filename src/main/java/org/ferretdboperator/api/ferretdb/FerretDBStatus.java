package org.ferretdboperator.api.ferretdb;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import org.ferretdboperator.api.common.Phase;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class FerretDBStatus {

    private Phase phase;

    private Long observedGeneration;

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

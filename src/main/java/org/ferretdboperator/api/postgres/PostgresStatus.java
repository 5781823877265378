package org.ferretdboperator.api.postgres;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import org.ferretdboperator.api.common.Phase;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresStatus {

    @JsonPropertyDescription("Provisioning, Ready, Critical (serves with members missing), NotReady (no ready primary) or Halted.")
    private Phase phase;

    @JsonPropertyDescription("The metadata.generation this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("The pod labelled kubedb.com/role=primary.")
    private String primary;

    @JsonPropertyDescription("Conditions: ProvisioningStarted, ReplicaReady, AcceptingConnection, SinglePrimary, Ready, Provisioned, Halted, Valid, Synced, StorageUpToDate, WALArchiving (with spec.archiver; docs/backups.md) (docs/troubleshooting.md).")
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

    public String getPrimary() {
        return primary;
    }

    public void setPrimary(String primary) {
        this.primary = primary;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}

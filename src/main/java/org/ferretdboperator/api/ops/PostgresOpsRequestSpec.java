package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Required;

/**
 * What a PostgresOpsRequest asks for. Field names are KubeDB's, so KubeDB objects apply unchanged; the blocks of types
 * this operator does not carry out yet are kept as written (preserved, not validated) and such a request fails with a
 * condition naming its type.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PostgresOpsRequestSpec extends OpsRequestSpecBase {

    @Required
    @JsonPropertyDescription("The operation: Restart | Switchover | UpdateVersion | HorizontalScaling | VerticalScaling | VolumeExpansion | Reconfigure | ReconfigureTLS | RotateAuth | ReconnectStandby | ForceFailOver | SetRaftKeyPair | StorageMigration | Upgrade.")
    private PostgresOpsRequestType type;

    @JsonPropertyDescription("Options of a planned Switchover: the member to promote (optional).")
    private SwitchoverSpec switchover;

    @JsonPropertyDescription("HorizontalScaling: the number of backend members (replicas). standbyMode and streamingMode are KubeDB's too; they are accepted, and a request that sets them fails naming the field (change them on the Postgres object).")
    private PostgresHorizontalScalingSpec horizontalScaling;

    @JsonPropertyDescription("VolumeExpansion: postgres, arbiter, mode. Accepted as KubeDB defines it; not carried out yet (a request of this type fails saying so).")
    private JsonNode volumeExpansion;

    @JsonPropertyDescription("Reconfigure: tuning, configSecret, applyConfig, removeCustomConfig, restart. Accepted as KubeDB defines it; not carried out yet (a request of this type fails saying so).")
    private JsonNode configuration;

    @JsonPropertyDescription("ReconnectStandby: readyTimeOut. Accepted as KubeDB defines it; not carried out yet (a request of this type fails saying so).")
    private JsonNode reconnectStandby;

    @JsonPropertyDescription("Options of a ForceFailOver (needs apply: Always; admitted only while the election is blocked): the "
            + "members that may be promoted. May lose the last acknowledged transactions; the status records what.")
    private ForceFailOverSpec forceFailOver;

    @JsonPropertyDescription("SetRaftKeyPair: keyPair (KubeDB's raft store; this operator has none). Accepted as KubeDB defines it; not carried out yet (a request of this type fails saying so).")
    private JsonNode setRaftKeyPair;

    @JsonPropertyDescription("StorageMigration: storageClassName, oldPVReclaimPolicy. Accepted as KubeDB defines it; not carried out yet (a request of this type fails saying so).")
    private JsonNode migration;

    public PostgresOpsRequestType getType() {
        return type;
    }

    public void setType(PostgresOpsRequestType type) {
        this.type = type;
    }

    public SwitchoverSpec getSwitchover() {
        return switchover;
    }

    public void setSwitchover(SwitchoverSpec switchover) {
        this.switchover = switchover;
    }

    public PostgresHorizontalScalingSpec getHorizontalScaling() {
        return horizontalScaling;
    }

    public void setHorizontalScaling(PostgresHorizontalScalingSpec horizontalScaling) {
        this.horizontalScaling = horizontalScaling;
    }

    public JsonNode getVolumeExpansion() {
        return volumeExpansion;
    }

    public void setVolumeExpansion(JsonNode volumeExpansion) {
        this.volumeExpansion = volumeExpansion;
    }

    public JsonNode getConfiguration() {
        return configuration;
    }

    public void setConfiguration(JsonNode configuration) {
        this.configuration = configuration;
    }

    public JsonNode getReconnectStandby() {
        return reconnectStandby;
    }

    public void setReconnectStandby(JsonNode reconnectStandby) {
        this.reconnectStandby = reconnectStandby;
    }

    public ForceFailOverSpec getForceFailOver() {
        return forceFailOver;
    }

    public void setForceFailOver(ForceFailOverSpec forceFailOver) {
        this.forceFailOver = forceFailOver;
    }

    public JsonNode getSetRaftKeyPair() {
        return setRaftKeyPair;
    }

    public void setSetRaftKeyPair(JsonNode setRaftKeyPair) {
        this.setRaftKeyPair = setRaftKeyPair;
    }

    public JsonNode getMigration() {
        return migration;
    }

    public void setMigration(JsonNode migration) {
        this.migration = migration;
    }
}

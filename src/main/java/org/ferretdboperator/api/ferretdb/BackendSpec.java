package org.ferretdboperator.api.ferretdb;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import org.ferretdboperator.api.common.PodTemplate;
import org.ferretdboperator.api.common.StorageType;
import org.ferretdboperator.api.common.StreamingMode;
import org.ferretdboperator.api.postgres.ArchiverSpec;

/** The highly available PostgreSQL that stores FerretDB's data; becomes the Postgres object {@code <name>-pg-backend}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.storageType) || self.storageType != 'Ephemeral' || !has(self.storage)", message = "spec.backend.storage must be empty when spec.backend.storageType is Ephemeral")
public class BackendSpec {

    @JsonPropertyDescription("Members of the PostgreSQL backend (<name>-pg-backend): one primary, the rest standbys that can take over.")
    @Min(1)
    @Default("3")
    private Integer replicas;

    @JsonPropertyDescription("Overrides for the backend's PostgreSQL pods.")
    private PodTemplate podTemplate;

    @JsonPropertyDescription("Durable: a PersistentVolumeClaim per member (spec.backend.storage). Ephemeral: an emptyDir, data lost with the pod.")
    @Default("Durable")
    private StorageType storageType;

    @JsonPropertyDescription("Claim template of each backend member's data volume; it cannot change after creation.")
    private PersistentVolumeClaimSpec storage;

    @JsonPropertyDescription("Synchronous: a commit waits for a standby, and a failover never loses an acknowledged commit. Asynchronous: commits do not wait; a failover may lose up to maximumLagBeforeFailover bytes.")
    @Default("Synchronous")
    private StreamingMode streamingMode;

    @JsonPropertyDescription("Continuous WAL archiving of the backend to S3-compatible object storage (spec.archiver of the Postgres <name>-pg-backend).")
    private ArchiverSpec archiver;

    public ArchiverSpec getArchiver() {
        return archiver;
    }

    public void setArchiver(ArchiverSpec archiver) {
        this.archiver = archiver;
    }

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public PodTemplate getPodTemplate() {
        return podTemplate;
    }

    public void setPodTemplate(PodTemplate podTemplate) {
        this.podTemplate = podTemplate;
    }

    public StorageType getStorageType() {
        return storageType;
    }

    public void setStorageType(StorageType storageType) {
        this.storageType = storageType;
    }

    public PersistentVolumeClaimSpec getStorage() {
        return storage;
    }

    public void setStorage(PersistentVolumeClaimSpec storage) {
        this.storage = storage;
    }

    public StreamingMode getStreamingMode() {
        return streamingMode;
    }

    public void setStreamingMode(StreamingMode streamingMode) {
        this.streamingMode = streamingMode;
    }
}

package org.ferretdboperator.api.postgres;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import java.util.List;
import org.ferretdboperator.api.common.PodTemplate;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.SecretReference;
import org.ferretdboperator.api.common.StandbyMode;
import org.ferretdboperator.api.common.StorageType;
import org.ferretdboperator.api.common.StreamingMode;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.storageType) || self.storageType != 'Ephemeral' || !has(self.storage)", message = "spec.storage must be empty when spec.storageType is Ephemeral")
public class PostgresSpec {

    @JsonPropertyDescription("Members: one primary, the rest standbys that can take over.")
    @Min(1)
    @Default("3")
    private Integer replicas;

    @JsonPropertyDescription("PostgreSQL version, e.g. 15 or 17.4.")
    @Required
    @Pattern("^[0-9]+(\\.[0-9]+)?(-[a-z0-9.]+)?$")
    private String version;

    @JsonPropertyDescription("PostgreSQL image; defaults to the official image of spec.version.")
    private String image;

    @JsonPropertyDescription("Durable: a PersistentVolumeClaim per member (spec.storage). Ephemeral: an emptyDir, data lost with the pod.")
    @Default("Durable")
    private StorageType storageType;

    @JsonPropertyDescription("Claim template of each member's data volume; it cannot change after creation (condition StorageUpToDate says so).")
    private PersistentVolumeClaimSpec storage;

    @JsonPropertyDescription("Only Hot (standbys serve reads) is supported; Warm is refused.")
    @Default("Hot")
    private StandbyMode standbyMode;

    @JsonPropertyDescription("Synchronous: a commit waits for a standby, and a failover never loses an acknowledged commit. Asynchronous: commits do not wait; a failover may lose up to leaderElection.maximumLagBeforeFailover bytes.")
    @Default("Synchronous")
    private StreamingMode streamingMode;

    @JsonPropertyDescription("Timing of the pg-coordinators' leader Lease <name>-leader and the failover lag limit.")
    private LeaderElectionSpec leaderElection;

    @JsonPropertyDescription("Secret with the superuser's username and password. Generated as <name>-auth when absent.")
    private SecretReference authSecret;

    @JsonPropertyDescription("Overrides for the PostgreSQL pods.")
    private PodTemplate podTemplate;

    @JsonPropertyDescription("What deleting the object removes: Delete (workloads and volumes, keeps Secrets), WipeOut (everything), Halt (workloads only), DoNotTerminate (deletion refused).")
    @Default("Delete")
    private DeletionPolicy deletionPolicy;

    @JsonPropertyDescription("When true every member stops; volumes and Secrets are kept until it is set back to false.")
    private Boolean halted;

    @JsonPropertyDescription("TLS for every connection to PostgreSQL (replication, FerretDB, clients of the Services). Without issuerRef the operator keeps a CA (Secret <name>-ca) and the server certificate (Secret <name>-server-cert) and renews it before expiry; issuerRef (cert-manager) is not implemented yet and is refused.")
    private org.ferretdboperator.api.common.TlsSpec tls;

    public org.ferretdboperator.api.common.TlsSpec getTls() {
        return tls;
    }

    public void setTls(org.ferretdboperator.api.common.TlsSpec tls) {
        this.tls = tls;
    }

    @JsonPropertyDescription("Continuous WAL archiving to S3-compatible object storage with pgBackRest (every member archives, so the chain has no gap across a failover). Condition WALArchiving reports whether it works.")
    private ArchiverSpec archiver;

    public ArchiverSpec getArchiver() {
        return archiver;
    }

    public void setArchiver(ArchiverSpec archiver) {
        this.archiver = archiver;
    }

    @JsonPropertyDescription("Application roles the primary keeps in place (FerretDB's own role among them).")
    private List<DatabaseUser> users;

    public Integer getReplicas() {
        return replicas;
    }

    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
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

    public StandbyMode getStandbyMode() {
        return standbyMode;
    }

    public void setStandbyMode(StandbyMode standbyMode) {
        this.standbyMode = standbyMode;
    }

    public StreamingMode getStreamingMode() {
        return streamingMode;
    }

    public void setStreamingMode(StreamingMode streamingMode) {
        this.streamingMode = streamingMode;
    }

    public LeaderElectionSpec getLeaderElection() {
        return leaderElection;
    }

    public void setLeaderElection(LeaderElectionSpec leaderElection) {
        this.leaderElection = leaderElection;
    }

    public SecretReference getAuthSecret() {
        return authSecret;
    }

    public void setAuthSecret(SecretReference authSecret) {
        this.authSecret = authSecret;
    }

    public PodTemplate getPodTemplate() {
        return podTemplate;
    }

    public void setPodTemplate(PodTemplate podTemplate) {
        this.podTemplate = podTemplate;
    }

    public DeletionPolicy getDeletionPolicy() {
        return deletionPolicy;
    }

    public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
        this.deletionPolicy = deletionPolicy;
    }

    public Boolean getHalted() {
        return halted;
    }

    public void setHalted(Boolean halted) {
        this.halted = halted;
    }

    public List<DatabaseUser> getUsers() {
        return users;
    }

    public void setUsers(List<DatabaseUser> users) {
        this.users = users;
    }
}

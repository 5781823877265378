package org.ferretdboperator.api.ferretdb;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import org.ferretdboperator.api.common.DeletionPolicy;
import org.ferretdboperator.api.common.HealthCheckerSpec;
import org.ferretdboperator.api.common.MonitorSpec;
import org.ferretdboperator.api.common.SecretReference;
import org.ferretdboperator.api.common.ServiceTemplateSpec;
import org.ferretdboperator.api.common.SslMode;
import org.ferretdboperator.api.common.TlsSpec;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.sslMode) || self.sslMode != 'requireSSL' || has(self.tls)", message = "spec.tls is required when spec.sslMode is requireSSL")
@ValidationRule(value = "!has(self.tls) || (has(self.sslMode) && self.sslMode != 'disabled')", message = "spec.tls must be empty when spec.sslMode is disabled")
@ValidationRule(value = "!has(self.sslMode) || (self.sslMode != 'allowSSL' && self.sslMode != 'preferSSL')", message = "spec.sslMode allowSSL and preferSSL are not supported: use disabled or requireSSL")
public class FerretDBSpec {

    @JsonPropertyDescription("Name of a FerretDBVersion catalog entry.")
    @Required
    @ValidationRule(value = "self != ''", message = "spec.version must not be empty: name a FerretDBVersion, e.g. 2.7.0")
    private String version;

    @JsonPropertyDescription("The FerretDB servers: primary (reads and writes) and secondary (reads from standbys).")
    private ServerSpec server;

    @JsonPropertyDescription("The PostgreSQL backend the operator creates as Postgres <name>-pg-backend.")
    private BackendSpec backend;

    @JsonPropertyDescription("Secret with the username and password clients use. Generated as <name>-auth when absent.")
    private SecretReference authSecret;

    @JsonPropertyDescription("TLS for clients: disabled, or requireSSL (a TLS-only listener, also TLS from FerretDB to PostgreSQL and for replication). allowSSL and preferSSL are refused, as in KubeDB.")
    @Default("disabled")
    private SslMode sslMode;

    @JsonPropertyDescription("TLS certificates. Without issuerRef the operator keeps a CA (<name>-ca) and the server certificate (<name>-server-cert) and renews it; issuerRef (cert-manager) is not implemented yet and is refused.")
    private TlsSpec tls;

    @JsonPropertyDescription("Overrides of the Services <name> (alias primary) and <name>-secondary (alias secondary).")
    private List<ServiceTemplateSpec> serviceTemplates;

    @JsonPropertyDescription("KubeDB monitoring (exporter and ServiceMonitor). Accepted for compatibility; not acted on yet: use the Helm chart's monitoring.* values.")
    private MonitorSpec monitor;

    @JsonPropertyDescription("KubeDB health checker. Accepted for compatibility; not acted on yet.")
    private HealthCheckerSpec healthChecker;

    @JsonPropertyDescription("What deleting the object removes: Delete (workloads and volumes, keeps Secrets), WipeOut (everything), Halt (workloads only), DoNotTerminate (deletion refused).")
    @Default("WipeOut")
    private DeletionPolicy deletionPolicy;

    @JsonPropertyDescription("When true the servers and the backend stop; all data is kept until it is set back to false.")
    private Boolean halted;

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public ServerSpec getServer() {
        return server;
    }

    public void setServer(ServerSpec server) {
        this.server = server;
    }

    public BackendSpec getBackend() {
        return backend;
    }

    public void setBackend(BackendSpec backend) {
        this.backend = backend;
    }

    public SecretReference getAuthSecret() {
        return authSecret;
    }

    public void setAuthSecret(SecretReference authSecret) {
        this.authSecret = authSecret;
    }

    public SslMode getSslMode() {
        return sslMode;
    }

    public void setSslMode(SslMode sslMode) {
        this.sslMode = sslMode;
    }

    public TlsSpec getTls() {
        return tls;
    }

    public void setTls(TlsSpec tls) {
        this.tls = tls;
    }

    public List<ServiceTemplateSpec> getServiceTemplates() {
        return serviceTemplates;
    }

    public void setServiceTemplates(List<ServiceTemplateSpec> serviceTemplates) {
        this.serviceTemplates = serviceTemplates;
    }

    public MonitorSpec getMonitor() {
        return monitor;
    }

    public void setMonitor(MonitorSpec monitor) {
        this.monitor = monitor;
    }

    public HealthCheckerSpec getHealthChecker() {
        return healthChecker;
    }

    public void setHealthChecker(HealthCheckerSpec healthChecker) {
        this.healthChecker = healthChecker;
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
}

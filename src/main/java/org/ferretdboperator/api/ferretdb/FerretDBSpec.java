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
    private String version;

    private ServerSpec server;

    private BackendSpec backend;

    private SecretReference authSecret;

    @Default("disabled")
    private SslMode sslMode;

    private TlsSpec tls;

    private List<ServiceTemplateSpec> serviceTemplates;

    private MonitorSpec monitor;

    private HealthCheckerSpec healthChecker;

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

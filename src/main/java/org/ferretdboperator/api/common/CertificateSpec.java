package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class CertificateSpec {

    @JsonPropertyDescription("Which certificate: server or client.")
    @Required
    @Pattern("^(server|client)$")
    private String alias;

    @JsonPropertyDescription("Secret the issued certificate is stored in.")
    private String secretName;

    @JsonPropertyDescription("Extra DNS names of the certificate.")
    private List<String> dnsNames;

    @JsonPropertyDescription("Extra IP addresses of the certificate.")
    private List<String> ipAddresses;

    public String getAlias() {
        return alias;
    }

    public void setAlias(String alias) {
        this.alias = alias;
    }

    public String getSecretName() {
        return secretName;
    }

    public void setSecretName(String secretName) {
        this.secretName = secretName;
    }

    public List<String> getDnsNames() {
        return dnsNames;
    }

    public void setDnsNames(List<String> dnsNames) {
        this.dnsNames = dnsNames;
    }

    public List<String> getIpAddresses() {
        return ipAddresses;
    }

    public void setIpAddresses(List<String> ipAddresses) {
        this.ipAddresses = ipAddresses;
    }
}

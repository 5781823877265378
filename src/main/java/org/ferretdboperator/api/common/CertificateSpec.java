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

    @JsonPropertyDescription("Lifetime of the certificate (Go duration, e.g. 2160h); 2160h (90 days) when unset.")
    @Pattern("^([0-9]+(ns|us|ms|s|m|h))+$")
    private String duration;

    @JsonPropertyDescription("How long before expiry the operator renews the certificate (Go duration); a third of duration when unset. Must be shorter than duration.")
    @Pattern("^([0-9]+(ns|us|ms|s|m|h))+$")
    private String renewBefore;

    public String getDuration() {
        return duration;
    }

    public void setDuration(String duration) {
        this.duration = duration;
    }

    public String getRenewBefore() {
        return renewBefore;
    }

    public void setRenewBefore(String renewBefore) {
        this.renewBefore = renewBefore;
    }

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

package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.TypedLocalObjectReference;
import java.util.List;

/** TLS material: a cert-manager issuer, or certificates the user supplies as Secrets. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TlsSpec {

    @JsonPropertyDescription("cert-manager Issuer or ClusterIssuer of the certificates.")
    private TypedLocalObjectReference issuerRef;

    @JsonPropertyDescription("Certificates to issue (alias server: duration, renewBefore, extra dnsNames).")
    private List<CertificateSpec> certificates;

    public TypedLocalObjectReference getIssuerRef() {
        return issuerRef;
    }

    public void setIssuerRef(TypedLocalObjectReference issuerRef) {
        this.issuerRef = issuerRef;
    }

    public List<CertificateSpec> getCertificates() {
        return certificates;
    }

    public void setCertificates(List<CertificateSpec> certificates) {
        this.certificates = certificates;
    }
}

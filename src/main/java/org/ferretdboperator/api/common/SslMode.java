package org.ferretdboperator.api.common;

import com.fasterxml.jackson.annotation.JsonProperty;

/** TLS between clients and FerretDB. */
public enum SslMode {
    @JsonProperty("disabled")
    DISABLED,
    @JsonProperty("allowSSL")
    ALLOW_SSL,
    @JsonProperty("preferSSL")
    PREFER_SSL,
    @JsonProperty("requireSSL")
    REQUIRE_SSL
}

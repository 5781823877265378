package org.ferretdboperator.api.postgres;

import com.fasterxml.jackson.annotation.JsonProperty;

/** pgBackRest's compress-type values; the schema's enum refuses any other with the field's name. */
public enum ArchiverCompression {
    @JsonProperty("none")
    NONE("none"),
    @JsonProperty("gz")
    GZ("gz"),
    @JsonProperty("lz4")
    LZ4("lz4"),
    @JsonProperty("zst")
    ZST("zst"),
    @JsonProperty("bz2")
    BZ2("bz2");

    private final String value;

    ArchiverCompression(String value) {
        this.value = value;
    }

    /** The value as the archiver's environment and pgBackRest spell it. */
    public String value() {
        return value;
    }
}

package org.ferretdboperator.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.ferretdboperator.coordinator.decision.MemberState;

/** JSON of the member-state pod annotation. Unknown fields are ignored so newer coordinators can add some. */
public final class MemberStateCodec {

    /** Null fields are left out (an absent field reads back as null): the annotation is written on every change. */
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private MemberStateCodec() {
    }

    public static String encode(MemberState state) {
        try {
            return JSON.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Empty for a missing or unreadable annotation: such a peer simply proves nothing. */
    public static Optional<MemberState> decode(String json) {
        if (json == null || json.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(json, MemberState.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}

package org.ferretdboperator.api.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Required;

/**
 * What a FerretDBOpsRequest asks for. Field names are KubeDB's, so KubeDB objects apply unchanged; the blocks of types
 * this operator does not carry out yet are kept as written (preserved, not validated) and such a request fails with a
 * condition naming its type.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FerretDBOpsRequestSpec extends OpsRequestSpecBase {

    @Required
    @JsonPropertyDescription("The operation: Restart | UpdateVersion | HorizontalScaling | VerticalScaling | ReconfigureTLS | RotateAuth.")
    private FerretDBOpsRequestType type;

    @JsonPropertyDescription("HorizontalScaling: primary and secondary replicas (older KubeDB: node). Accepted as KubeDB defines it; not carried out yet (a request of this type fails saying so).")
    private JsonNode horizontalScaling;

    public FerretDBOpsRequestType getType() {
        return type;
    }

    public void setType(FerretDBOpsRequestType type) {
        this.type = type;
    }

    public JsonNode getHorizontalScaling() {
        return horizontalScaling;
    }

    public void setHorizontalScaling(JsonNode horizontalScaling) {
        this.horizontalScaling = horizontalScaling;
    }

}

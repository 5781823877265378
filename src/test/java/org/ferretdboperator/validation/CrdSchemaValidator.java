package org.ferretdboperator.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Test-only stand-in for the API server's validation of custom resources against a CRD's structural schema, for the
 * subset our CRDs use: defaulting, type, required, enum, minimum, maximum, pattern and x-kubernetes-validations.
 * Messages follow the API server's wording, so the same expected messages hold against a real kube-apiserver.
 *
 * <p>CEL is not interpreted: every rule our CRDs contain has a Java twin in {@link #CEL}. A rule without a twin fails
 * the test, so a new or changed rule cannot slip by untested; the real-API-server tier runs the same table through
 * real CEL.
 */
final class CrdSchemaValidator {

    private CrdSchemaValidator() {
    }

    private static final Map<String, Predicate<JsonNode>> CEL = Map.ofEntries(
            Map.entry("has(self.spec)", self -> self.has("spec")),
            Map.entry("self != ''", self -> !self.asText().isEmpty()),
            Map.entry("size(self.metadata.name) <= 41",
                    self -> self.path("metadata").path("name").asText().length() <= 41),
            Map.entry("size(self.metadata.name) <= 50",
                    self -> self.path("metadata").path("name").asText().length() <= 50),
            Map.entry("!has(self.storageType) || self.storageType != 'Ephemeral' || !has(self.storage)",
                    self -> !self.has("storageType") || !self.get("storageType").asText().equals("Ephemeral")
                            || !self.has("storage")),
            Map.entry("!has(self.sslMode) || self.sslMode != 'requireSSL' || has(self.tls)",
                    self -> !self.has("sslMode") || !self.get("sslMode").asText().equals("requireSSL") || self.has("tls")),
            Map.entry("!has(self.tls) || (has(self.sslMode) && self.sslMode != 'disabled')",
                    self -> !self.has("tls") || self.has("sslMode") && !self.get("sslMode").asText().equals("disabled")),
            Map.entry("!has(self.sslMode) || (self.sslMode != 'allowSSL' && self.sslMode != 'preferSSL')",
                    self -> !self.has("sslMode") || !self.get("sslMode").asText().equals("allowSSL")
                            && !self.get("sslMode").asText().equals("preferSSL")),
            Map.entry("self.leaseDurationMillis > self.renewDeadlineMillis && self.renewDeadlineMillis >= 2 * self.retryPeriodMillis",
                    self -> self.get("leaseDurationMillis").asLong() > self.get("renewDeadlineMillis").asLong()
                            && self.get("renewDeadlineMillis").asLong() >= 2 * self.get("retryPeriodMillis").asLong()),
            Map.entry("!has(self.ref)", self -> !self.has("ref")),
            Map.entry("has(self.s3)", self -> self.has("s3")),
            Map.entry("!has(self.prefix) || !self.prefix.contains('..')",
                    self -> !self.has("prefix") || !self.get("prefix").asText().contains("..")));

    /** Defaults the object in place, as the API server does before validating, and returns every error. */
    static List<String> validate(JSONSchemaProps schema, ObjectNode object) {
        List<String> errors = new ArrayList<>();
        validate(schema, object, "", errors);
        return errors;
    }

    private static void validate(JSONSchemaProps schema, JsonNode value, String path, List<String> errors) {
        String type = schema.getType();
        if (type != null && !hasType(value, type)) {
            errors.add(path + ": Invalid value: \"" + nodeType(value) + "\": " + path + " in body must be of type "
                    + type + ": \"" + nodeType(value) + "\"");
            return;
        }
        if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
            List<String> allowed = schema.getEnum().stream().map(JsonNode::asText).toList();
            if (!allowed.contains(value.asText())) {
                errors.add(path + ": Unsupported value: \"" + value.asText() + "\": supported values: "
                        + allowed.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", ")));
            }
        }
        if (schema.getMinimum() != null && value.isNumber()
                && value.decimalValue().compareTo(BigDecimal.valueOf(schema.getMinimum())) < 0) {
            errors.add(path + ": Invalid value: " + value.asText() + ": " + path
                    + " in body should be greater than or equal to " + number(schema.getMinimum()));
        }
        if (schema.getMaximum() != null && value.isNumber()
                && value.decimalValue().compareTo(BigDecimal.valueOf(schema.getMaximum())) > 0) {
            errors.add(path + ": Invalid value: " + value.asText() + ": " + path
                    + " in body should be less than or equal to " + number(schema.getMaximum()));
        }
        if (schema.getPattern() != null && value.isTextual()
                && !Pattern.compile(schema.getPattern()).matcher(value.asText()).find()) {
            errors.add(path + ": Invalid value: \"" + value.asText() + "\": " + path + " in body should match '"
                    + schema.getPattern() + "'");
        }
        if (value.isObject()) {
            ObjectNode object = (ObjectNode) value;
            Map<String, JSONSchemaProps> properties = schema.getProperties();
            if (properties != null) {
                properties.forEach((name, property) -> {
                    if (!object.has(name) && property.getDefault() != null) {
                        object.set(name, property.getDefault().deepCopy());
                    }
                });
            }
            if (schema.getRequired() != null) {
                for (String name : schema.getRequired()) {
                    if (!object.has(name) || object.get(name).isNull()) {
                        errors.add(child(path, name) + ": Required value");
                    }
                }
            }
            if (properties != null) {
                properties.forEach((name, property) -> {
                    if (object.has(name) && !object.get(name).isNull()) {
                        validate(property, object.get(name), child(path, name), errors);
                    }
                });
            }
        }
        if (value.isArray() && schema.getItems() != null && schema.getItems().getSchema() != null) {
            for (int i = 0; i < value.size(); i++) {
                validate(schema.getItems().getSchema(), value.get(i), path + "[" + i + "]", errors);
            }
        }
        if (schema.getXKubernetesValidations() != null) {
            for (ValidationRule rule : schema.getXKubernetesValidations()) {
                Predicate<JsonNode> twin = CEL.get(rule.getRule());
                if (twin == null) {
                    throw new IllegalStateException("CEL rule without a Java twin in CrdSchemaValidator: " + rule.getRule());
                }
                if (!twin.test(value)) {
                    errors.add((path.isEmpty() ? "<nil>" : path) + ": Invalid value: \"object\": " + rule.getMessage());
                }
            }
        }
    }

    private static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static boolean hasType(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
    }

    private static String nodeType(JsonNode value) {
        if (value.isObject()) {
            return "object";
        } else if (value.isArray()) {
            return "array";
        } else if (value.isTextual()) {
            return "string";
        } else if (value.isIntegralNumber()) {
            return "integer";
        } else if (value.isNumber()) {
            return "number";
        } else if (value.isBoolean()) {
            return "boolean";
        }
        return "null";
    }

    private static String number(Double value) {
        return value == Math.rint(value) ? String.valueOf(value.longValue()) : String.valueOf(value);
    }
}

package org.ferretdboperator.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** RBAC rules flattened into single grants, so two rule lists compare by what they allow, not by how they are written. */
final class Rbac {

    private Rbac() {
    }

    /** One "group|resource|resourceName|verb" line per grant ("*" for no resourceNames). */
    static Set<String> grants(Iterable<JsonNode> rules) {
        Set<String> grants = new TreeSet<>();
        for (JsonNode rule : rules) {
            List<String> names = rule.has("resourceNames") ? strings(rule.path("resourceNames")) : List.of("*");
            for (String group : strings(rule.path("apiGroups"))) {
                for (String resource : strings(rule.path("resources"))) {
                    for (String name : names) {
                        for (String verb : strings(rule.path("verbs"))) {
                            grants.add(group + "|" + resource + "|" + name + "|" + verb);
                        }
                    }
                }
            }
        }
        return grants;
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}

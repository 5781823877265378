package org.ferretdboperator.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.RequiresControlPlane;
import org.ferretdboperator.testsupport.TestNamespaces;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The invalid objects the API server cannot refuse (their validity depends on other objects) are accepted, and the
 * operator reports the problem in their status, naming the field; nothing is deployed for them.
 */
@RequiresControlPlane
@QuarkusTest
@TestProfile(OperatorUnderTest.class)
class InvalidObjectsStatusIT {

    private static final String NAMESPACE = "invalid-status";
    private static LocalControlPlane controlPlane;

    @BeforeAll
    static void createNamespace() {
        controlPlane = LocalControlPlane.shared();
        ForbiddenRequests.collect();
        TestNamespaces.create(controlPlane.admin(), NAMESPACE);
    }

    @AfterAll
    static void cleanUp() {
        if (controlPlane != null) {
            TestNamespaces.deleteLater(controlPlane.admin(), NAMESPACE);
        }
    }

    @TestFactory
    Stream<DynamicTest> operatorReportsEachInvalidObjectInStatus() {
        List<InvalidObject> rows = InvalidObject.table(LocalControlPlane.locateProjectDir()).stream()
                .filter(row -> row.expectedIn() == InvalidObject.Where.STATUS).toList();
        assertThat(rows).as("rows of %s reported in status", InvalidObject.TABLE).isNotEmpty();
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.source(), () -> assertReported(row)));
    }

    private static void assertReported(InvalidObject row) {
        KubernetesClient admin = controlPlane.admin();
        GenericKubernetesResource object = row.object();
        object.getMetadata().setNamespace(NAMESPACE);
        for (GenericKubernetesResource fixture : row.fixtures()) {
            if (fixture.getMetadata().getNamespace() != null) {
                fixture.getMetadata().setNamespace(NAMESPACE);
            }
            admin.resource(fixture).createOr(existing -> existing.update());
        }
        admin.resource(object).create();

        // The table's objects live in namespace invalid-objects; here they run in this test's own namespace.
        String expected = row.expectedMessage().replace("\"invalid-objects\"", "\"" + NAMESPACE + "\"");
        OperatorAwait.until(NAMESPACE, () -> {
            GenericKubernetesResource current = admin.resource(object).get();
            assertThat(statusTexts(current.getAdditionalProperties().get("status")))
                    .as("status of %s", row.source()).anySatisfy(text -> assertThat(text).contains(expected));
        });
        assertThat(admin.apps().statefulSets().inNamespace(NAMESPACE).list().getItems()).as("StatefulSets deployed for %s",
                row.source()).isEmpty();
    }

    /** Every string in the status (condition messages, a message field, ...). */
    private static List<String> statusTexts(Object node) {
        List<String> texts = new ArrayList<>();
        if (node instanceof String text) {
            texts.add(text);
        } else if (node instanceof Map<?, ?> map) {
            map.values().forEach(value -> texts.addAll(statusTexts(value)));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> texts.addAll(statusTexts(value)));
        }
        return texts;
    }
}

package org.ferretdboperator.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.stream.Stream;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.ferretdboperator.testsupport.RequiresControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every object of the invalid-object table that the API server must refuse is refused on create with HTTP 422 and a
 * message naming the field, by the committed CRDs' schema and CEL rules alone (no operator involved).
 */
@RequiresControlPlane
class InvalidObjectsApiServerIT {

    private static final String NAMESPACE = "invalid-objects";
    private static LocalControlPlane controlPlane;

    @BeforeAll
    static void startControlPlane() {
        controlPlane = LocalControlPlane.shared();
        controlPlane.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .endMetadata().build()).serverSideApply();
    }

    @AfterAll
    static void cleanUp() {
        if (controlPlane != null) {
            controlPlane.admin().namespaces().withName(NAMESPACE).delete();
        }
    }

    @TestFactory
    Stream<DynamicTest> apiServerRejectsEachInvalidObjectWithItsMessage() {
        List<InvalidObject> rows = InvalidObject.table(LocalControlPlane.locateProjectDir()).stream()
                .filter(row -> row.expectedIn() == InvalidObject.Where.API_SERVER).toList();
        assertThat(rows).as("rows of %s rejected by the API server", InvalidObject.TABLE).isNotEmpty();
        return rows.stream().map(row -> DynamicTest.dynamicTest(row.source(), () -> assertRejected(row)));
    }

    private static void assertRejected(InvalidObject row) {
        KubernetesClient admin = controlPlane.admin();
        GenericKubernetesResource object = row.object();
        if (namespaced(admin, object)) {
            object.getMetadata().setNamespace(NAMESPACE);
        }

        for (GenericKubernetesResource fixture : row.fixtures()) {
            if (namespaced(admin, fixture)) {
                fixture.getMetadata().setNamespace(NAMESPACE);
            }
            admin.resource(fixture).createOr(existing -> existing.update());
        }
        KubernetesClientException rejection = catchThrowableOfType(KubernetesClientException.class,
                () -> admin.resource(object).create());

        assertThat(rejection).as("%s was accepted by the API server; expected a rejection saying: %s", row.source(),
                row.expectedMessage()).isNotNull();
        assertThat(rejection.getCode()).as("HTTP status of %s: %s", row.source(), rejection.getMessage()).isEqualTo(422);
        assertThat(rejection.getStatus().getMessage()).as(row.source()).contains(row.expectedMessage());
    }

    private static boolean namespaced(KubernetesClient client, GenericKubernetesResource object) {
        return client.getApiResources(object.getApiVersion()).getResources().stream()
                .filter(r -> r.getKind().equals(object.getKind()) && !r.getName().contains("/"))
                .map(APIResource::getNamespaced).findFirst()
                .orElseThrow(() -> new IllegalStateException(object.getApiVersion() + " " + object.getKind() + " is not served"));
    }
}

package org.ferretdboperator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {

    KubernetesClient client;
    KubernetesMockServer server;

    private static ConfigMap object(String uid) {
        return new ConfigMapBuilder()
                .withNewMetadata().withName("db").withNamespace("ns").withUid(uid).endMetadata()
                .build();
    }

    private List<Event> events() {
        return client.v1().events().inNamespace("ns").list().getItems();
    }

    @Test
    void anEventNamesTheObjectItIsAbout() {
        new EventRecorder(client).warning(object("uid-1"), "InvalidSpec", "spec.version: is required");

        Event event = events().get(0);
        assertThat(event.getType()).isEqualTo(EventRecorder.WARNING);
        assertThat(event.getReason()).isEqualTo("InvalidSpec");
        assertThat(event.getMessage()).isEqualTo("spec.version: is required");
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("ConfigMap");
        assertThat(event.getInvolvedObject().getName()).isEqualTo("db");
        assertThat(event.getInvolvedObject().getUid()).isEqualTo("uid-1");
        assertThat(event.getSource().getComponent()).isEqualTo(EventRecorder.COMPONENT);
        assertThat(event.getCount()).isEqualTo(1);
    }

    @Test
    void theSameReasonAndMessageOnTheSameObjectCountUpOneEvent() {
        EventRecorder events = new EventRecorder(client);
        events.warning(object("uid-1"), "Critical", "Postgres is Critical");
        events.warning(object("uid-1"), "Critical", "Postgres is Critical");
        events.normal(object("uid-1"), "Ready", "Postgres is Ready");
        events.warning(object("uid-2"), "Critical", "Postgres is Critical");

        assertThat(events()).hasSize(3);
        assertThat(events()).filteredOn(e -> "uid-1".equals(e.getInvolvedObject().getUid())
                        && "Critical".equals(e.getReason()))
                .singleElement().extracting(Event::getCount).isEqualTo(2);
        assertThat(events()).filteredOn(e -> "Ready".equals(e.getReason()))
                .singleElement().extracting(Event::getType).isEqualTo(EventRecorder.NORMAL);
    }

    @Test
    void aFailureToRecordIsNotThrown() {
        server.expect().get().withPath("/api/v1/namespaces/ns/events/" + EventRecorder.eventName(object("uid-3"),
                "Critical", "down")).andReturn(403, "forbidden").always();

        new EventRecorder(client).warning(object("uid-3"), "Critical", "down");

        assertThat(events()).isEmpty();
    }
}

package org.ferretdboperator.ferretdb;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.jboss.logging.Logger;

/**
 * Records Kubernetes Events on a FerretDB (what {@code kubectl describe} shows). Messages are the problem messages,
 * which name fields and objects but never carry Secret values. Failing to record an event never fails a reconcile.
 */
final class FerretDBEvents {

    private static final Logger LOG = Logger.getLogger(FerretDBEvents.class);
    static final String COMPONENT = "ferretdb-operator";

    private FerretDBEvents() {
    }

    static void warning(KubernetesClient client, FerretDB ferretdb, String reason, String message) {
        String now = Instant.now().toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                    .withName(ferretdb.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13))
                    .withNamespace(ferretdb.getMetadata().getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                    .withApiVersion(ferretdb.getApiVersion())
                    .withKind(ferretdb.getKind())
                    .withName(ferretdb.getMetadata().getName())
                    .withNamespace(ferretdb.getMetadata().getNamespace())
                    .withUid(ferretdb.getMetadata().getUid())
                    .withResourceVersion(ferretdb.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType("Warning")
                .withReason(reason)
                .withMessage(message)
                .withCount(1)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(ferretdb.getMetadata().getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not record event %s on FerretDB %s/%s: %s", reason,
                    ferretdb.getMetadata().getNamespace(), ferretdb.getMetadata().getName(), e.getMessage());
        }
    }
}

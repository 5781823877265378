package org.ferretdboperator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import org.jboss.logging.Logger;

/**
 * Records core/v1 Events about an object. The same reason and message on the same object update one Event (count,
 * lastTimestamp) instead of piling up new ones, as kubectl's recorder does. Messages must never hold secret values.
 * Recording is best effort: a failure is logged and never fails a reconciliation.
 *
 * <p>The operator's role needs {@code get}, {@code create} and {@code patch} on events for this.
 */
public final class EventRecorder {

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";
    static final String COMPONENT = "ferretdb-operator";

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    private final KubernetesClient client;

    public EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    public void warning(HasMetadata about, String reason, String message) {
        record(about, WARNING, reason, message);
    }

    public void normal(HasMetadata about, String reason, String message) {
        record(about, NORMAL, reason, message);
    }

    /** @param type {@link #NORMAL} or {@link #WARNING} */
    public void record(HasMetadata about, String type, String reason, String message) {
        String namespace = about.getMetadata().getNamespace();
        String name = eventName(about, reason, message);
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            var events = client.v1().events().inNamespace(namespace);
            Event existing = events.withName(name).get();
            if (existing != null) {
                int count = existing.getCount() == null ? 1 : existing.getCount();
                events.withName(name).edit(e -> new EventBuilder(e).withCount(count + 1).withLastTimestamp(now).build());
                return;
            }
            events.resource(new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(about.getApiVersion())
                            .withKind(about.getKind())
                            .withName(about.getMetadata().getName())
                            .withNamespace(namespace)
                            .withUid(about.getMetadata().getUid())
                            .build())
                    .withType(type)
                    .withReason(reason)
                    .withMessage(message)
                    .withCount(1)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT)
                    .withReportingInstance(COMPONENT)
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not record event %s on %s/%s: %s", reason, namespace, about.getMetadata().getName(),
                    e.getMessage());
        }
    }

    /** Deterministic per object, reason and message, so a repeat finds the Event to count up. */
    static String eventName(HasMetadata about, String reason, String message) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(String.valueOf(about.getMetadata().getUid()).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(reason.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(message.getBytes(StandardCharsets.UTF_8));
            String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
            return about.getMetadata().getName() + "." + hash;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

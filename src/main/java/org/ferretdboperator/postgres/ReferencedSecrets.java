package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.ferretdboperator.api.postgres.Postgres;

/**
 * Watches the Secrets that users name in Postgres objects (spec.authSecret, spec.users[*].secretName), so that
 * creating or fixing such a Secret re-triggers the objects that reference it. User Secrets carry no label of ours, so
 * this informer sees every Secret of the watched namespaces; its cache keeps only which keys are present and whether
 * they are empty, never the values.
 */
final class ReferencedSecrets {

    static final String EVENT_SOURCE = "referenced-secrets";
    static final String INDEX = "postgres-by-referenced-secret";
    private static final String PRESENT = Base64.getEncoder().encodeToString("redacted".getBytes(StandardCharsets.UTF_8));

    private ReferencedSecrets() {
    }

    static InformerEventSource<Secret, Postgres> eventSource(EventSourceContext<Postgres> context) {
        context.getPrimaryCache().addIndexer(INDEX, pg -> PostgresSpecs.userSecrets(pg).stream()
                .map(secret -> key(pg.getMetadata().getNamespace(), secret))
                .toList());
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(Secret.class, Postgres.class)
                .withName(EVENT_SOURCE)
                .withItemStore(new KeysOnlyStore())
                .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
                        .byIndex(INDEX, key(secret.getMetadata().getNamespace(), secret.getMetadata().getName()))
                        .stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build(), context);
    }

    /** Looks up a Secret of the primary's namespace in this informer's cache. */
    @SuppressWarnings("unchecked")
    static Optional<Secret> lookup(Context<Postgres> context, String namespace, String name) {
        var source = (InformerEventSource<Secret, Postgres>) context.eventSourceRetriever()
                .getEventSourceFor(Secret.class, EVENT_SOURCE);
        return source.get(new ResourceID(name, namespace));
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    /** Stores Secrets with every non-empty value replaced by a placeholder. */
    static final class KeysOnlyStore extends BasicItemStore<Secret> {

        KeysOnlyStore() {
            super(Cache::metaNamespaceKeyFunc);
        }

        @Override
        public Secret put(String key, Secret secret) {
            return super.put(key, redact(secret));
        }

        static Secret redact(Secret secret) {
            Map<String, String> keys = new LinkedHashMap<>();
            if (secret.getData() != null) {
                secret.getData().forEach((k, v) -> keys.put(k, v == null || v.isEmpty() ? "" : PRESENT));
            }
            return new SecretBuilder(secret).withData(keys).withStringData(null).build();
        }
    }
}

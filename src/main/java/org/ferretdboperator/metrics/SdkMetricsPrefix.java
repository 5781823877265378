package org.ferretdboperator.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Prefixes the Java Operator SDK's reconciler metrics ({@code reconciliations.*}, {@code events.received},
 * {@code custom_resources}) with {@code ferretdb_operator.}, so they do not mix with those of any other JOSDK-based
 * operator scraped by the same Prometheus. JOSDK's MicrometerMetricsV2 has no prefix option; Quarkus applies every
 * {@link MeterFilter} bean to its registries before a meter is registered, which is Micrometer's way of renaming.
 */
@Singleton
public class SdkMetricsPrefix {

    public static final String PREFIX = "ferretdb_operator.";
    static final List<String> SDK_NAMES = List.of("reconciliations.", "events.received", "custom_resources");

    @Produces
    @Singleton
    public MeterFilter sdkMetricsPrefix() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return rename(id.getName()).map(id::withName).orElse(id);
            }
        };
    }

    /** The prefixed name of a JOSDK meter; empty for every other meter. */
    static java.util.Optional<String> rename(String name) {
        return SDK_NAMES.stream().anyMatch(name::startsWith) ? java.util.Optional.of(PREFIX + name) : java.util.Optional.empty();
    }
}

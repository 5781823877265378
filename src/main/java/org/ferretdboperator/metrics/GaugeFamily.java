package org.ferretdboperator.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/** One gauge name with many label sets, whose series can be removed again (a deleted object leaves no series behind). */
final class GaugeFamily {

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    private final Map<Tags, Entry> series = new ConcurrentHashMap<>();

    private record Entry(AtomicLong value, Gauge gauge) {
    }

    GaugeFamily(MeterRegistry registry, String name, String description) {
        this.registry = registry;
        this.name = name;
        this.description = description;
    }

    void set(Tags tags, long value) {
        series.computeIfAbsent(tags, t -> {
            AtomicLong v = new AtomicLong();
            Gauge g = Gauge.builder(name, v, AtomicLong::get).tags(t).description(description)
                    .strongReference(true).register(registry);
            return new Entry(v, g);
        }).value().set(value);
    }

    /** Removes every series whose tags match. */
    void removeIf(Predicate<Tags> match) {
        for (Tags tags : Set.copyOf(series.keySet())) {
            if (match.test(tags)) {
                Entry e = series.remove(tags);
                if (e != null) {
                    registry.remove(e.gauge());
                }
            }
        }
    }

    static Predicate<Tags> has(String key, String value) {
        return tags -> tags.stream().anyMatch(t -> t.getKey().equals(key) && t.getValue().equals(value));
    }
}

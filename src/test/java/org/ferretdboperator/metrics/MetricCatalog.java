package org.ferretdboperator.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names docs/metrics.md documents, by section: the operator's own ({@code ## Operator}), the operator SDK's
 * ({@code ## Reconciler}, and {@code ## Failure counters}, which exist only after a failure), the pg-coordinator's ({@code ## pg-coordinator}) and FerretDB's ({@code ## FerretDB}).
 * A name is the first backticked cell of a table row.
 */
public record MetricCatalog(Set<String> operator, Set<String> sdk, Set<String> sdkFailures, Set<String> coordinator, Set<String> ferretdb) {

    public static final Path DOC = Path.of("docs/metrics.md");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`");

    public static MetricCatalog load() {
        Set<String> operator = new LinkedHashSet<>();
        Set<String> sdk = new LinkedHashSet<>();
        Set<String> sdkFailures = new LinkedHashSet<>();
        Set<String> coordinator = new LinkedHashSet<>();
        Set<String> ferretdb = new LinkedHashSet<>();
        Set<String> current = null;
        try {
            for (String line : Files.readAllLines(DOC)) {
                if (line.startsWith("## ")) {
                    String h = line.substring(3);
                    current = h.startsWith("Operator") ? operator : h.startsWith("Reconciler") ? sdk : h.startsWith("Failure counters") ? sdkFailures
                            : h.startsWith("pg-coordinator") ? coordinator : h.startsWith("FerretDB") ? ferretdb : null;
                    continue;
                }
                Matcher m = ROW.matcher(line);
                if (current != null && m.find()) {
                    current.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MetricCatalog(operator, sdk, sdkFailures, coordinator, ferretdb);
    }

    /** Whether a series name (possibly a histogram's _bucket/_count/_sum) belongs to a documented metric. */
    public boolean documents(String series) {
        String base = series.replaceFirst("_(bucket|count|sum)$", "");
        for (Set<String> s : new Set[] { operator, sdk, sdkFailures, coordinator, ferretdb }) {
            if (s.contains(series) || s.contains(base)) {
                return true;
            }
        }
        return false;
    }
}

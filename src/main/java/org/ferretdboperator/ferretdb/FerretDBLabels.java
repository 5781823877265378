package org.ferretdboperator.ferretdb;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.support.Labels;

/** Labels on every object the FerretDB reconciler creates, and the informer selector that finds them again. */
public final class FerretDBLabels {

    private FerretDBLabels() {
    }

    /** Limits the dependents' informer caches to objects this operator made for a FerretDB. */
    public static final String MANAGED_SELECTOR = Labels.NAME + "=" + Labels.FERRETDB_KIND_NAME + ","
            + Labels.MANAGED_BY + "=" + Labels.MANAGED_BY_VALUE;

    public static Map<String, String> of(FerretDB ferretdb) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.NAME, Labels.FERRETDB_KIND_NAME);
        labels.put(Labels.INSTANCE, ferretdb.getMetadata().getName());
        labels.put(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE);
        return labels;
    }

    /** Object labels of one server group's objects: the common set plus the group's pod selector. */
    public static Map<String, String> of(FerretDB ferretdb, ServerGroup group) {
        Map<String, String> labels = of(ferretdb);
        labels.putAll(group.selector(ferretdb));
        return labels;
    }
}

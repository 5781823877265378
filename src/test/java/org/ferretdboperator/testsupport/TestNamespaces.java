package org.ferretdboperator.testsupport;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.postgres.Postgres;

/** Namespaces of the operator tests, and what to show when something in one of them did not happen. */
public final class TestNamespaces {

    private TestNamespaces() {
    }

    /**
     * A namespace that enforces the "restricted" Pod Security Standard, as production namespaces should: a pod spec
     * that needs more than that is refused when the StatefulSet controller creates the pod.
     */
    public static void create(KubernetesClient admin, String name) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .addToLabels("pod-security.kubernetes.io/enforce-version", "latest")
                .endMetadata().build()).fieldManager(ShippedManifests.FIELD_MANAGER).serverSideApply();
    }

    public static void deleteLater(KubernetesClient admin, String name) {
        admin.namespaces().withName(name).delete();
    }

    /** StatefulSet progress and warning events of the namespace, for a failure message. */
    public static String describe(KubernetesClient admin, String namespace) {
        String statefulSets = admin.apps().statefulSets().inNamespace(namespace).list().getItems().stream()
                .map(TestNamespaces::describe).collect(Collectors.joining("\n  ", "  ", ""));
        List<String> warnings = admin.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> !"Normal".equals(e.getType()))
                .sorted(Comparator.comparing(Event::getLastTimestamp, Comparator.nullsFirst(Comparator.naturalOrder())))
                .map(e -> e.getInvolvedObject().getKind() + "/" + e.getInvolvedObject().getName() + " " + e.getReason()
                        + ": " + e.getMessage())
                .distinct().toList();
        // A controller retrying a refused pod repeats itself: the latest few say it all.
        String events = String.join("\n  ", warnings.subList(Math.max(0, warnings.size() - 5), warnings.size()));
        String statuses = Stream.concat(
                        admin.resources(FerretDB.class).inNamespace(namespace).list().getItems().stream()
                                .map(f -> "FerretDB " + f.getMetadata().getName() + " " + describe(f.getStatus() == null ? null
                                        : f.getStatus().getPhase(), f.getStatus() == null ? null : f.getStatus().getConditions())),
                        admin.resources(Postgres.class).inNamespace(namespace).list().getItems().stream()
                                .map(p -> "Postgres " + p.getMetadata().getName() + " " + describe(p.getStatus() == null ? null
                                        : p.getStatus().getPhase(), p.getStatus() == null ? null : p.getStatus().getConditions())))
                .collect(Collectors.joining("\n  ", "  ", ""));
        return "namespace " + namespace + "\nobjects:\n" + statuses + "\nStatefulSets:\n" + statefulSets
                + "\nlatest warning events:\n  " + events;
    }

    private static String describe(Object phase, List<Condition> conditions) {
        return "phase=" + phase + " conditions=" + (conditions == null ? "[]" : conditions.stream()
                .map(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason() + ": " + c.getMessage()).toList());
    }

    private static String describe(StatefulSet sts) {
        return sts.getMetadata().getName() + " replicas=" + sts.getSpec().getReplicas() + " podManagementPolicy="
                + sts.getSpec().getPodManagementPolicy() + " created="
                + (sts.getStatus() == null ? 0 : sts.getStatus().getReplicas());
    }
}

package org.ferretdboperator.ferretdb;

import java.util.Map;
import java.util.Optional;
import org.ferretdboperator.api.common.PodTemplate;
import org.ferretdboperator.api.common.ServiceAlias;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.ferretdb.ServerGroupSpec;
import org.ferretdboperator.api.ferretdb.ServerSpec;
import org.ferretdboperator.catalog.FerretDBVersionValidator;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;

/**
 * The two groups of FerretDB servers. Primary servers talk to the backend's primary (read-write); secondary servers
 * talk to its hot standbys (read-only), so reads can scale without touching the primary.
 */
public enum ServerGroup {

    PRIMARY("primary", ServiceAlias.PRIMARY, 1),
    SECONDARY("secondary", ServiceAlias.SECONDARY, 0);

    private final String label;
    private final ServiceAlias serviceAlias;
    private final int replicasWithoutBlock;

    ServerGroup(String label, ServiceAlias serviceAlias, int replicasWithoutBlock) {
        this.label = label;
        this.serviceAlias = serviceAlias;
        this.replicasWithoutBlock = replicasWithoutBlock;
    }

    /** Value of the {@link Labels#SERVER_GROUP} label. */
    public String label() {
        return label;
    }

    public ServiceAlias serviceAlias() {
        return serviceAlias;
    }

    /** Name of the group's StatefulSet, which is also the name of its client Service. */
    public String statefulSetName(FerretDB ferretdb) {
        String name = ferretdb.getMetadata().getName();
        return this == PRIMARY ? Names.primaryServers(name) : Names.secondaryServers(name);
    }

    public String clientServiceName(FerretDB ferretdb) {
        return statefulSetName(ferretdb);
    }

    public String governingServiceName(FerretDB ferretdb) {
        return Names.governing(statefulSetName(ferretdb));
    }

    /** The backend Service this group's servers connect to: the primary's, or the standbys'. */
    public String backendServiceName(FerretDB ferretdb) {
        String backend = Names.backend(ferretdb.getMetadata().getName());
        return this == PRIMARY ? Names.primaryService(backend) : Names.standbyService(backend);
    }

    public Map<String, String> selector(FerretDB ferretdb) {
        return Labels.ferretdbSelector(ferretdb.getMetadata().getName(), label);
    }

    private Optional<ServerGroupSpec> spec(FerretDB ferretdb) {
        ServerSpec server = ferretdb.getSpec().getServer();
        if (server == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(this == PRIMARY ? server.getPrimary() : server.getSecondary());
    }

    /**
     * Replicas the user asked for, before halting: primary defaults to 1; secondary to 0 without a
     * {@code server.secondary} block and to 1 with an empty one (KubeDB's defaults).
     */
    public int configuredReplicas(FerretDB ferretdb) {
        return spec(ferretdb)
                .map(group -> group.getReplicas() != null ? group.getReplicas() : 1)
                .orElse(replicasWithoutBlock);
    }

    /** Replicas the StatefulSet runs: 0 while the FerretDB is halted. */
    public int desiredReplicas(FerretDB ferretdb) {
        return FerretDBDefaults.halted(ferretdb) ? 0 : configuredReplicas(ferretdb);
    }

    /**
     * Replicas the StatefulSet runs for this FerretDB release ({@code version} null: not known yet, as
     * {@link #desiredReplicas(FerretDB)}). FerretDB 1.x gets one primary server whatever the spec asks: its PostgreSQL
     * handler loads the catalogue of databases and collections once per process and never reloads it (1.24.2,
     * internal/backends/postgresql/metadata/registry.go: getPool loads it while the cache is empty, nothing empties
     * it), so with two servers writing one database a collection created through one is unknown to the other, which
     * then reads it as empty and fails to insert into it (42P07, its CREATE TABLE finds the table). FerretDB 2.x keeps
     * no such cache (DocumentDB owns the catalogue) and runs what the spec asks.
     */
    public int desiredReplicas(FerretDB ferretdb, FerretDBVersionSpec version) {
        int desired = desiredReplicas(ferretdb);
        return this == PRIMARY && version != null && FerretDBVersionValidator.major(version) == 1
                ? Math.min(desired, 1) : desired;
    }

    /** Whether {@link #desiredReplicas(FerretDB, FerretDBVersionSpec)} runs fewer servers than the spec asks. */
    public boolean capped(FerretDB ferretdb, FerretDBVersionSpec version) {
        return desiredReplicas(ferretdb, version) < desiredReplicas(ferretdb);
    }

    /**
     * Whether the group's StatefulSet and Services exist. The secondary group exists only while it has configured
     * replicas, so that no Service without endpoints is handed to clients; halting keeps the objects (at 0 pods).
     */
    public boolean enabled(FerretDB ferretdb) {
        return this == PRIMARY || configuredReplicas(ferretdb) > 0;
    }

    public Optional<PodTemplate> podTemplate(FerretDB ferretdb) {
        return spec(ferretdb).map(ServerGroupSpec::getPodTemplate);
    }

    /** Field path of the group's spec block, for messages. */
    public String specPath() {
        return "spec.server." + label;
    }
}

package org.ferretdboperator.postgres;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.HashMap;
import java.util.Map;
import org.ferretdboperator.api.postgres.Postgres;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.contract.PodContract;

/** Pieces shared by the Postgres Services. */
final class PostgresServices {

    private PostgresServices() {
    }

    /** A ClusterIP Service on 5432 selecting the pods whose coordinator set {@code kubedb.com/role=<role>}. */
    static Service roleService(Postgres pg, String name, String role) {
        Map<String, String> selector = new HashMap<>(Labels.postgresSelector(PostgresObjects.name(pg)));
        selector.put(Labels.ROLE, role);
        return new ServiceBuilder()
                .withMetadata(PostgresObjects.metadata(pg, name))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(selector)
                .withPorts(postgresPort())
                .endSpec()
                .build();
    }

    static ServicePort postgresPort() {
        return port(PodContract.POSTGRES_PORT_NAME, PodContract.POSTGRES_PORT);
    }

    static ServicePort port(String name, int port) {
        return new ServicePortBuilder()
                .withName(name)
                .withProtocol("TCP")
                .withPort(port)
                .withTargetPort(new IntOrString(name))
                .build();
    }
}

package org.ferretdboperator.harness;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import org.ferretdboperator.contract.CoordinatorRbac;
import org.ferretdboperator.support.Labels;
import org.ferretdboperator.support.Names;
import org.ferretdboperator.testsupport.TokenKubeconfig;

/**
 * The coordinators' identity as the operator sets it up (CoordinatorRoleDependent): a ServiceAccount with a Role made
 * of the same {@link CoordinatorRbac} rules (its own Lease, reading pods, patching only the StatefulSet's own pods,
 * creating events). Each member gets a bearer token of that ServiceAccount (TokenRequest API) in a
 * kubeconfig whose server is the member's own {@link ApiServerProxy}, so the harness runs the coordinators with the
 * privileges they have in production, never as admin.
 */
final class CoordinatorAccess {

    private static final long TOKEN_SECONDS = 4 * 3600;

    private final String token;
    private final String caData;

    private CoordinatorAccess(String token, String caData) {
        this.token = token;
        this.caData = caData;
    }

    /** Creates the ServiceAccount, Role and RoleBinding in {@code namespace} and requests a token. */
    static CoordinatorAccess create(KubernetesClient admin, String caData, String namespace, String postgres, int replicas) {
        String account = Names.coordinatorAccount(postgres);
        admin.serviceAccounts().inNamespace(namespace).resource(new ServiceAccountBuilder()
                .withNewMetadata().withName(account).withLabels(Labels.postgresSelector(postgres)).endMetadata()
                .withAutomountServiceAccountToken(false)
                .build()).create();
        admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder()
                .withNewMetadata().withName(account).withLabels(Labels.postgresSelector(postgres)).endMetadata()
                .withRules(CoordinatorRbac.rules(postgres, replicas))
                .build()).create();
        admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
                .withNewMetadata().withName(account).withLabels(Labels.postgresSelector(postgres)).endMetadata()
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(account).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(account).withNamespace(namespace).endSubject()
                .build()).create();
        String token = admin.serviceAccounts().inNamespace(namespace).withName(account)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(TOKEN_SECONDS).endSpec().build())
                .getStatus().getToken();
        return new CoordinatorAccess(token, caData);
    }

    /** A kubeconfig (0600) that reaches the API server through {@code proxyPort} with the ServiceAccount's token. */
    Path writeKubeconfig(Path file, int proxyPort, String namespace) {
        return TokenKubeconfig.write(file, "https://127.0.0.1:" + proxyPort, caData, "coordinator", token, namespace);
    }
}

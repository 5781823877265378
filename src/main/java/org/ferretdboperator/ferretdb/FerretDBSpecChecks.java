package org.ferretdboperator.ferretdb;

import org.ferretdboperator.status.Problem;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ferretdboperator.api.common.ServiceAlias;
import org.ferretdboperator.api.common.ServiceTemplateOverrides;
import org.ferretdboperator.api.common.ServiceTemplateSpec;
import org.ferretdboperator.api.common.SslMode;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.api.ferretdb.FerretDBSpec;

/**
 * Checks of the FerretDB spec that the CRD schema cannot express (they need the operator's own knowledge). Each
 * message starts with the field path.
 */
public final class FerretDBSpecChecks {

    private FerretDBSpecChecks() {
    }

    public static List<Problem> problems(FerretDB ferretdb) {
        FerretDBSpec spec = ferretdb.getSpec();
        List<Problem> problems = new ArrayList<>();
        if (spec.getAuthSecret() != null && Boolean.TRUE.equals(spec.getAuthSecret().getExternallyManaged())
                && spec.getAuthSecret().getName() == null) {
            problems.add(new Problem(Problem.INVALID_SPEC, "spec.authSecret.name",
                    "spec.authSecret.name is required when spec.authSecret.externallyManaged is true"));
        }
        // requireSSL is served (ServerTls); what cannot be served is refused rather than served in plaintext.
        if (spec.getSslMode() == SslMode.REQUIRE_SSL && spec.getTls() == null) {
            problems.add(Problem.invalidSpec("spec.tls", "is required when spec.sslMode is requireSSL"));
        }
        if ((spec.getSslMode() == null || spec.getSslMode() == SslMode.DISABLED) && spec.getTls() != null) {
            problems.add(Problem.invalidSpec("spec.tls", "must be empty when spec.sslMode is disabled"));
        }
        if (spec.getSslMode() == SslMode.ALLOW_SSL || spec.getSslMode() == SslMode.PREFER_SSL) {
            problems.add(Problem.invalidSpec("spec.sslMode", "allowSSL and preferSSL are not supported for FerretDB "
                    + "(as in KubeDB): use disabled or requireSSL"));
        }
        problems.addAll(org.ferretdboperator.tls.ManagedCertificates.problems(spec.getTls(), "spec.tls"));
        // The schema allows 0 for both groups (one type); without primary servers nothing could write.
        if (ServerGroup.PRIMARY.configuredReplicas(ferretdb) < 1) {
            problems.add(new Problem(Problem.INVALID_SPEC, "spec.server.primary.replicas",
                    "spec.server.primary.replicas must be at least 1; "
                    + "set spec.halted to stop the servers"));
        }
        for (ServerGroup group : ServerGroup.values()) {
            group.podTemplate(ferretdb)
                    .filter(template -> template.getSpec() != null && template.getSpec().getEnv() != null)
                    .ifPresent(template -> {
                        for (EnvVar env : template.getSpec().getEnv()) {
                            if (ServerEnvironment.isOperatorOwned(env.getName())) {
                                String field = group.specPath() + ".podTemplate.spec.env";
                                problems.add(new Problem(Problem.INVALID_SPEC, field, field + ": " + env.getName()
                                        + " is set by the operator and cannot be overridden"));
                            }
                        }
                    });
        }
        problems.addAll(serviceTemplateProblems(spec.getServiceTemplates()));
        return problems;
    }

    private static List<Problem> serviceTemplateProblems(List<ServiceTemplateSpec> templates) {
        List<Problem> problems = new ArrayList<>();
        if (templates == null) {
            return problems;
        }
        Set<ServiceAlias> seen = new HashSet<>();
        for (int i = 0; i < templates.size(); i++) {
            ServiceTemplateSpec template = templates.get(i);
            String path = "spec.serviceTemplates[" + i + "]";
            ServiceAlias alias = template.getAlias();
            if (alias == null) {
                problems.add(new Problem(Problem.INVALID_SPEC, path + ".alias", path + ".alias is required"));
                continue;
            }
            if (alias != ServiceAlias.PRIMARY && alias != ServiceAlias.SECONDARY) {
                problems.add(Problem.invalidSpec(path + ".alias", "a FerretDB has no "
                        + aliasName(alias) + " Service; use primary or secondary"));
            }
            if (!seen.add(alias)) {
                problems.add(Problem.invalidSpec(path + ".alias", aliasName(alias)
                        + " appears more than once"));
            }
            ServiceTemplateOverrides overrides = template.getSpec();
            if (overrides == null) {
                continue;
            }
            String type = overrides.getType() == null ? "ClusterIP" : overrides.getType();
            String policy = overrides.getExternalTrafficPolicy();
            if (policy != null && !policy.equals("Cluster") && !policy.equals("Local")) {
                problems.add(Problem.invalidSpec(path + ".spec.externalTrafficPolicy", "\"" + policy
                        + "\" is not Cluster or Local"));
            } else if (policy != null && type.equals("ClusterIP")) {
                problems.add(new Problem(Problem.INVALID_SPEC, path + ".spec.externalTrafficPolicy", path
                        + ".spec.externalTrafficPolicy needs spec.type NodePort or LoadBalancer"));
            }
            if (overrides.getLoadBalancerSourceRanges() != null && !overrides.getLoadBalancerSourceRanges().isEmpty()
                    && !type.equals("LoadBalancer")) {
                problems.add(new Problem(Problem.INVALID_SPEC, path + ".spec.loadBalancerSourceRanges", path
                        + ".spec.loadBalancerSourceRanges needs spec.type LoadBalancer"));
            }
        }
        return problems;
    }

    private static String aliasName(ServiceAlias alias) {
        return alias.name().toLowerCase(java.util.Locale.ROOT);
    }
}

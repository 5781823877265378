package org.ferretdboperator.harness;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension of the harness test classes: checks the prerequisites (fail in CI, skip elsewhere), starts the one
 * control plane all harness classes share, and stops it when the whole test run ends (the root store closes it).
 * Test methods receive it as a {@link ControlPlane} parameter.
 */
final class HarnessResources implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(HarnessResources.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        controlPlane(context);
    }

    private static ControlPlane controlPlane(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(ControlPlane.class, key -> startShared(),
                ControlPlane.class);
    }

    /**
     * The checks and the start this extension does, for a test that needs the control plane only on some paths (the
     * benchmark, when it runs only peers); the caller closes it.
     */
    static ControlPlane startShared() {
        java.nio.file.Path project = Harness.projectDir();
        Prerequisites.requireControlPlane(project);
        Orphans.killWhenJvmExits(project.resolve("target").resolve("harness"));
        return ControlPlane.shared(project);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ControlPlane.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return controlPlane(context);
    }
}

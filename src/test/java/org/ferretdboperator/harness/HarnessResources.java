package org.ferretdboperator.harness;

import java.nio.file.Path;
import java.util.List;
import org.ferretdboperator.testsupport.LocalControlPlane;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension of the harness test classes: checks the prerequisites (fail in CI, skip elsewhere), starts the one
 * control plane all harness classes share (state under target/{@value #STATE_DIR_NAME}, apart from the operator tests'
 * one), and stops it when the whole test run ends (the root store closes it); its logs stay.
 * Test methods receive it as a {@link LocalControlPlane} parameter.
 */
final class HarnessResources implements BeforeAllCallback, ParameterResolver {

    static final String STATE_DIR_NAME = "harness-cluster";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(HarnessResources.class);
    private static LocalControlPlane shared;

    /** Stops the shared control plane when the root store is closed at the end of the test run. */
    private record StopAtEndOfRun(LocalControlPlane controlPlane) implements AutoCloseable {

        @Override
        public void close() {
            stopShared();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        controlPlane(context);
    }

    private static LocalControlPlane controlPlane(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(StopAtEndOfRun.class,
                key -> new StopAtEndOfRun(startShared()), StopAtEndOfRun.class).controlPlane();
    }

    /**
     * The checks and the start this extension does, for a test that needs the control plane only on some paths (the
     * benchmark, when it runs only peers); the caller stops it with {@link #stopShared()}.
     */
    static synchronized LocalControlPlane startShared() {
        Path project = Harness.projectDir();
        Orphans.killWhenJvmExits(project.resolve("target").resolve("harness"), "orphans",
                List.of("*/pg-*/coordinator.pid", "*/pg-*/data/postmaster.pid"));
        if (shared == null) {
            shared = LocalControlPlane.startDedicated(STATE_DIR_NAME);
        }
        return shared;
    }

    static synchronized void stopShared() {
        if (shared != null) {
            shared.stop();
            shared = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalControlPlane.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return controlPlane(context);
    }
}

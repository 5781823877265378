package org.ferretdboperator.coordinator.postgres;

import java.io.IOException;
import java.nio.file.Path;

/** Test access to the controller's tree deletion for tests in other packages. */
public final class InstanceControllerAccess {

    private InstanceControllerAccess() {
    }

    public static void deleteTree(Path root) throws IOException {
        InstanceController.deleteTree(root);
    }
}

package org.ferretdboperator.testsupport;

import java.nio.file.Path;

/** Where hack/images.sh writes its archives and unpacked root filesystems (the same rule as the script's). */
public final class ImagesDir {

    private ImagesDir() {
    }

    public static Path path() {
        String dir = System.getenv("FERRETDB_OPERATOR_IMAGES");
        return dir != null && !dir.isBlank() ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".cache", "ferretdb-operator", "images");
    }
}

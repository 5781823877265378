package org.ferretdboperator.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import org.ferretdboperator.testsupport.PostgresPrograms;
import org.ferretdboperator.testsupport.Prerequisite;

/**
 * PostgreSQL refuses to run as root: when the harness runs as root (CI), the coordinator runs PostgreSQL's programs
 * as the postgres user, so each member directory must belong to that user, as a pod's fsGroup makes its volume
 * writable. Without root nothing changes: everything runs as the current user.
 */
public final class PostgresOwnership {

    private PostgresOwnership() {
    }

    public static void handOver(Path path) {
        if (!Prerequisite.isRoot()) {
            return;
        }
        try {
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            view.setOwner(lookup.lookupPrincipalByName(PostgresPrograms.OS_USER));
            view.setGroup(lookup.lookupPrincipalByGroupName(PostgresPrograms.OS_USER));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand " + path + " to the " + PostgresPrograms.OS_USER + " user", e);
        }
    }
}

package org.ferretdboperator.coordinator.postgres;

import java.nio.file.Path;
import java.util.Optional;
import org.ferretdboperator.contract.PostgresDistribution;

/**
 * Where and how the local PostgreSQL runs.
 *
 * @param pgdata           data directory
 * @param port             TCP port (also the socket file suffix)
 * @param socketDir        unix socket directory
 * @param listenAddresses  listen_addresses
 * @param memberName       this member (application_name of its WAL receiver, name of its slot on the leader)
 * @param superuser        superuser; the coordinator connects as it over 127.0.0.1 only
 * @param replication      replication role, also used as pg_rewind's source role (with the grants pg_rewind needs)
 * @param passfile         libpq password file the coordinator maintains for the replication role (0600)
 * @param slotWalKeepSize  max_slot_wal_keep_size, so a dead member's slot cannot fill the disk
 * @param distribution     plain PostgreSQL, or PostgreSQL with the DocumentDB extension (FerretDB 2.x)
 * @param tlsDir           directory of the server certificate, its key and the CA ({@code PostgresTls}); empty: plaintext
 */
public record InstanceSettings(Path pgdata, int port, Path socketDir, String listenAddresses, String memberName,
        Credentials superuser, Credentials replication, Path passfile, String slotWalKeepSize,
        PostgresDistribution distribution, Optional<Path> tlsDir) {

    /** Without TLS. */
    public InstanceSettings(Path pgdata, int port, Path socketDir, String listenAddresses, String memberName,
            Credentials superuser, Credentials replication, Path passfile, String slotWalKeepSize,
            PostgresDistribution distribution) {
        this(pgdata, port, socketDir, listenAddresses, memberName, superuser, replication, passfile, slotWalKeepSize,
                distribution, Optional.empty());
    }

    /** A plain-PostgreSQL instance. */
    public InstanceSettings(Path pgdata, int port, Path socketDir, String listenAddresses, String memberName,
            Credentials superuser, Credentials replication, Path passfile, String slotWalKeepSize) {
        this(pgdata, port, socketDir, listenAddresses, memberName, superuser, replication, passfile, slotWalKeepSize,
                PostgresDistribution.POSTGRESQL);
    }
}

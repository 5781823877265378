package org.ferretdboperator.coordinator.postgres;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.ferretdboperator.contract.PostgresTls;

/**
 * What TLS changes in PostgreSQL's files and the coordinator's connections, given the mounted certificate directory
 * ({@link PostgresTls}): the server presents {@code tls.crt}; every peer connection (WAL receiver, pg_basebackup,
 * pg_rewind, the leader probe) checks the server's certificate and host name against {@code ca.crt}.
 */
final class TlsConfiguration {

    private TlsConfiguration() {
    }

    static List<String> postgresqlConf(Path dir) {
        return List.of(
                "ssl = on",
                "ssl_cert_file = '" + PostgresTls.certFile(dir) + "'",
                "ssl_key_file = '" + PostgresTls.keyFile(dir) + "'",
                "ssl_ca_file = '" + PostgresTls.caFile(dir) + "'",
                "ssl_min_protocol_version = 'TLSv1.2'");
    }

    /** libpq options of a connection to a peer. */
    static List<String> conninfo(Path dir) {
        return List.of("sslmode=verify-full", "sslrootcert=" + PostgresTls.caFile(dir));
    }

    /** pgJDBC's equivalents of {@link #conninfo}. */
    static void jdbc(Properties properties, Path dir) {
        properties.setProperty("sslmode", "verify-full");
        properties.setProperty("sslrootcert", PostgresTls.caFile(dir).toString());
    }
}

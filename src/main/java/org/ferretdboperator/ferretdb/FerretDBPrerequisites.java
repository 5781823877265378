package org.ferretdboperator.ferretdb;

import org.ferretdboperator.status.Problem;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.ferretdboperator.api.catalog.FerretDBVersion;
import org.ferretdboperator.api.catalog.FerretDBVersionSpec;
import org.ferretdboperator.api.ferretdb.FerretDB;
import org.ferretdboperator.catalog.FerretDBVersionValidator;

/**
 * Resolves what the FerretDB reconciler needs before it may build anything: a usable, non-deprecated catalog entry
 * for {@code spec.version} and, when the user names one, an auth Secret with a usable username and password. Secret
 * values are read only to check them and never appear in a message.
 */
public final class FerretDBPrerequisites {

    private FerretDBPrerequisites() {
    }

    /** PostgreSQL role names the backend's coordinator accepts for application users. */
    private static final Pattern ROLE_NAME = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");
    private static final String SUPERUSER = "postgres";
    private static final String VERSION = "spec.version";
    private static final String AUTH_SECRET_NAME = "spec.authSecret.name";

    /**
     * @param version     the resolved catalog entry (empty when none has the name), or empty on lookup failure
     * @param problems    blocking problems; the workflow runs only when empty
     */
    public record Result(Optional<FerretDBVersionSpec> version, List<Problem> problems) {

        public boolean satisfied() {
            return problems.isEmpty();
        }

        /** Whether a problem may go away without a change to the FerretDB (a Secret created later). */
        public boolean waitingForSecret() {
            return problems.stream().anyMatch(p -> p.reason().equals(Problem.AUTH_SECRET_NOT_FOUND));
        }
    }

    /**
     * @param catalogEntry      the FerretDBVersion named by spec.version, if it exists
     * @param secrets           looks a Secret up by name in the FerretDB's namespace
     * @param alreadyProvisioned whether the object has been Ready once: a version deprecated after that keeps
     *                          running (a catalog change must not stop a database), only new objects are refused
     */
    public static Result check(FerretDB ferretdb, Optional<FerretDBVersion> catalogEntry,
            Function<String, Optional<Secret>> secrets, boolean alreadyProvisioned) {
        List<Problem> problems = new ArrayList<>(FerretDBSpecChecks.problems(ferretdb));
        Optional<FerretDBVersionSpec> version = checkVersion(ferretdb, catalogEntry, alreadyProvisioned, problems);
        FerretDBDefaults.userAuthSecretName(ferretdb)
                .ifPresent(name -> checkSecret(ferretdb, name, secrets.apply(name), problems));
        return new Result(version, List.copyOf(problems));
    }

    private static Optional<FerretDBVersionSpec> checkVersion(FerretDB ferretdb, Optional<FerretDBVersion> entry,
            boolean alreadyProvisioned, List<Problem> problems) {
        String name = ferretdb.getSpec().getVersion();
        if (name == null || name.isBlank()) {
            problems.add(new Problem(Problem.INVALID_VERSION, VERSION, "spec.version is required"));
            return Optional.empty();
        }
        if (entry.isEmpty()) {
            problems.add(new Problem(Problem.INVALID_VERSION, VERSION, "spec.version: FerretDBVersion \"" + name
                    + "\" does not exist; kubectl get ferretdbversions lists the available versions"));
            return Optional.empty();
        }
        FerretDBVersionSpec spec = entry.get().getSpec();
        List<String> invalid = FerretDBVersionValidator.problems(spec);
        if (!invalid.isEmpty()) {
            problems.add(new Problem(Problem.INVALID_VERSION, VERSION, "spec.version: FerretDBVersion \"" + name
                    + "\" is not usable: " + String.join("; ", invalid)));
            return Optional.empty();
        }
        if (Boolean.TRUE.equals(spec.getDeprecated()) && !alreadyProvisioned) {
            problems.add(new Problem(Problem.DEPRECATED_VERSION, VERSION, "spec.version: FerretDBVersion \"" + name
                    + "\" is deprecated and cannot be used for new databases; choose another version"));
        }
        return Optional.of(spec);
    }

    private static void checkSecret(FerretDB ferretdb, String name, Optional<Secret> secret, List<Problem> problems) {
        String subject = AUTH_SECRET_NAME + ": Secret \"" + name + "\"";
        if (secret.isEmpty()) {
            problems.add(new Problem(Problem.AUTH_SECRET_NOT_FOUND, AUTH_SECRET_NAME, subject + " not found in namespace \""
                    + ferretdb.getMetadata().getNamespace() + "\""));
            return;
        }
        Optional<String> username = value(secret.get(), "username");
        Optional<String> password = value(secret.get(), "password");
        if (username.isEmpty()) {
            problems.add(new Problem(Problem.AUTH_SECRET_INVALID, AUTH_SECRET_NAME, subject + " has no \"username\" key"));
        } else if (username.get().equals(SUPERUSER)) {
            problems.add(new Problem(Problem.AUTH_SECRET_INVALID, AUTH_SECRET_NAME, subject + " names the backend superuser \""
                    + SUPERUSER + "\"; FerretDB needs a role of its own"));
        } else if (!ROLE_NAME.matcher(username.get()).matches()) {
            problems.add(new Problem(Problem.AUTH_SECRET_INVALID, AUTH_SECRET_NAME, subject
                    + " has a username that is not a PostgreSQL role name (lowercase letters, digits, _; at most 63)"));
        }
        if (password.isEmpty()) {
            problems.add(new Problem(Problem.AUTH_SECRET_INVALID, AUTH_SECRET_NAME, subject + " has no \"password\" key"));
        }
    }

    /** A non-empty value of the key, from data (base64) or stringData (as written, before the API server folds it). */
    private static Optional<String> value(Secret secret, String key) {
        Map<String, String> data = secret.getData();
        if (data != null && data.get(key) != null) {
            try {
                String decoded = new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
                return decoded.isEmpty() ? Optional.empty() : Optional.of(decoded);
            } catch (IllegalArgumentException notBase64) {
                return Optional.empty();
            }
        }
        Map<String, String> stringData = secret.getStringData();
        if (stringData != null && stringData.get(key) != null && !stringData.get(key).isEmpty()) {
            return Optional.of(stringData.get(key));
        }
        return Optional.empty();
    }
}

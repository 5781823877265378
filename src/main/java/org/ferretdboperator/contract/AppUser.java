package org.ferretdboperator.contract;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** An application login role (credentials in a mounted Secret directory) owning one database. */
public record AppUser(Path secretDir, String database) {

    private static final String IDENTIFIER = "[a-z_][a-z0-9_]{0,62}";

    /** Parses {@code APP_USERS}: comma-separated {@code secretDir:database}; bad items are errors naming the item. */
    public static List<AppUser> parseList(String value) {
        List<AppUser> users = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return users;
        }
        for (String item : value.split(",")) {
            String trimmed = item.trim();
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException("APP_USERS: item '" + trimmed + "' is not secretDir:database");
            }
            String database = trimmed.substring(colon + 1);
            if (!database.matches(IDENTIFIER)) {
                throw new IllegalArgumentException("APP_USERS: database '" + database + "' must match " + IDENTIFIER);
            }
            users.add(new AppUser(Path.of(trimmed.substring(0, colon)), database));
        }
        return users;
    }

    public static boolean validRoleName(String name) {
        return name.matches("[a-zA-Z_][a-zA-Z0-9_.-]{0,62}");
    }
}

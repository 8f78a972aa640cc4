package org.mailroom.server.config;

/**
 * {@code [store]}: where accounts, mailboxes, messages and the queue live. {@code embedded} keeps
 * everything in the data directory (SQLite and files); {@code postgresql} uses the database at the JDBC
 * {@code url} (messages still go to the data directory unless the backend says otherwise).
 */
public record StoreSection(String backend, String url, String user, String password) {

    public static final String EMBEDDED = "embedded";
    public static final String POSTGRESQL = "postgresql";

    public boolean isEmbedded() {
        return backend.equals(EMBEDDED);
    }

    void validate() {
        if (!backend.equals(EMBEDDED) && !backend.equals(POSTGRESQL)) {
            throw ConfigException.badValue("store.backend",
                    "expected \"embedded\" or \"postgresql\", got \"" + backend + "\"");
        }
        if (backend.equals(POSTGRESQL) && url.isBlank()) {
            throw ConfigException.badValue("store.url", "needed when store.backend is \"postgresql\"");
        }
    }

    /** Never prints the password: configurations end up in logs. */
    @Override
    public String toString() {
        return "StoreSection[backend=" + backend + ", url=" + url + ", user=" + user
                + ", password=" + (password.isEmpty() ? "" : "***") + "]";
    }
}

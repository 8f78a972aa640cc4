package org.mailroom.server.config;

/**
 * A configuration that cannot be used: an unknown key, a value of the wrong kind, a file that cannot be
 * read. The message names the key and is meant to be shown to the operator as it is, on one line:
 * {@code limits.recipients: expected a number, got "abc"}.
 *
 * <p>Unchecked because it is caught in one place only (the command line) and stops the start.
 */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A value refused for {@code key}: the message reads {@code key: reason}. */
    static ConfigException badValue(String key, String reason) {
        return new ConfigException(key + ": " + reason);
    }
}

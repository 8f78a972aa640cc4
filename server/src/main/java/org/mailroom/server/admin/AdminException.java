package org.mailroom.server.admin;

/**
 * A refusal of an admin action, with the one line shown to the operator (after "mailroom: ") or returned by the
 * admin API; its {@link Kind} chooses the HTTP status there (the command line only prints the line).
 */
public final class AdminException extends Exception {

    /** What kind of refusal: bad input (400), nothing of that name (404), in the way of something (409). */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;

    public AdminException(String message) {
        this(Kind.INVALID, message);
    }

    public AdminException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

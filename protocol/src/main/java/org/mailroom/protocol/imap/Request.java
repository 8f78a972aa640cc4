package org.mailroom.protocol.imap;

/**
 * One command as a command class sees it: its tag, its name (upper case, without UID), whether it came as
 * {@code UID name}, and its arguments.
 */
public record Request(String tag, String name, boolean uid, Arguments args) {

    /** The name as the client would see it in a reply: "UID FETCH" or "FETCH". */
    public String fullName() {
        return uid ? "UID " + name : name;
    }
}

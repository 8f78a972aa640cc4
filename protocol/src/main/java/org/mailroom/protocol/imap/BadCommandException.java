package org.mailroom.protocol.imap;

/** A command the server cannot parse or accept as given; answered with a tagged BAD. */
public final class BadCommandException extends Exception {

    public BadCommandException(String message) {
        super(message);
    }
}

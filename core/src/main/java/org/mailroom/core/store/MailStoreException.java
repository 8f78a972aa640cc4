package org.mailroom.core.store;

import java.io.IOException;

/** Failures of a store that callers answer differently from an I/O error. */
public class MailStoreException extends IOException {

    public MailStoreException(String message) {
        super(message);
    }

    /** The mailbox (or account) asked for does not exist. */
    public static final class NotFound extends MailStoreException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** The mailbox to create or rename to exists already. */
    public static final class AlreadyExists extends MailStoreException {
        public AlreadyExists(String message) {
            super(message);
        }
    }
}

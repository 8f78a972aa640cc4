package org.mailroom.protocol.imap;

import java.io.IOException;

/**
 * An IDLE in progress (RFC 2177): changes are sent as they happen (see {@link ImapSession}); the next line must
 * be DONE, which ends it with the tagged OK.
 */
public final class IdleContinuation implements Continuation {

    private final Request request;

    public IdleContinuation(Request request) {
        this.request = request;
    }

    @Override
    public void line(ImapSession session, String line) throws IOException {
        if (line.equalsIgnoreCase("DONE")) {
            session.ok(request, "IDLE terminated");
        } else {
            session.bad(request, "Expected DONE to end IDLE");
        }
    }
}

package org.mailroom.protocol.imap;

import java.io.IOException;

/**
 * What the session does with the next line instead of parsing it as a command: the client's answer to
 * AUTHENTICATE's "+" challenge, or the DONE that ends IDLE.
 */
public interface Continuation {

    void line(ImapSession session, String line) throws IOException;
}

package org.mailroom.protocol.imap;

import java.io.IOException;

/**
 * One IMAP command: reads its arguments, does the work, sends untagged data and the tagged reply. The table
 * in {@link CommandTable} says in which states it may run; it need not check that itself.
 */
public interface ImapCommand {

    void execute(ImapSession session, Request request) throws IOException, BadCommandException;
}

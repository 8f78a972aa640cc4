package org.mailroom.protocol.pop3;

import java.io.IOException;

/**
 * One POP3 verb, run by {@link Pop3Session} in a state {@link Pop3CommandTable} allows it in. Replies through
 * {@link Pop3Session#reply} (written when the queue of lines is drained) or {@link Pop3Session#replyAndClose}.
 */
interface Pop3Command {

    /**
     * @param args the words after the verb
     * @param rest the text after the verb and one space as it came (PASS: a password may hold spaces)
     */
    void execute(Pop3Session session, String[] args, String rest) throws IOException;
}

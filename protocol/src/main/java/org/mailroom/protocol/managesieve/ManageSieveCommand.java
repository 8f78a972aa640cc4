package org.mailroom.protocol.managesieve;

import java.io.IOException;

/**
 * One ManageSieve verb, run by {@link ManageSieveSession} in a state {@link ManageSieveCommandTable} allows it
 * in. Replies through {@link ManageSieveSession#reply} (written when the queue of commands is drained) or
 * {@link ManageSieveSession#bye}.
 */
interface ManageSieveCommand {

    /**
     * @param args the words after the verb, read in order; {@link Arguments#end} checks that none is left
     * @throws Arguments.SyntaxException for arguments that do not fit the verb: the session answers NO and
     *                                   counts a bad command
     */
    void execute(ManageSieveSession session, Arguments args) throws Arguments.SyntaxException, IOException;
}

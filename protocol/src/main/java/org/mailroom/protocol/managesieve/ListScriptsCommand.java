package org.mailroom.protocol.managesieve;

import java.io.IOException;
import org.mailroom.core.store.SieveScripts.Script;

/** LISTSCRIPTS (RFC 5804 section 2.7): each name, the active one marked ACTIVE. */
final class ListScriptsCommand implements ManageSieveCommand {

    @Override
    public void execute(ManageSieveSession s, Arguments args) throws Arguments.SyntaxException, IOException {
        args.end();
        StringBuilder out = new StringBuilder();
        for (Script script : s.scripts.list(s.account)) {
            out.append(ManageSieveSession.quote(script.name())).append(script.active() ? " ACTIVE" : "").append("\r\n");
        }
        s.reply(out + "OK");
    }
}

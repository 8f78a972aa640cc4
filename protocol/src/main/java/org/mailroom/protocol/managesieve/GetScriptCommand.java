package org.mailroom.protocol.managesieve;

import java.io.IOException;
import java.util.Optional;
import org.mailroom.core.store.SieveScripts.Script;

/** GETSCRIPT (RFC 5804 section 2.9): the script as a literal, then OK. */
final class GetScriptCommand implements ManageSieveCommand {

    @Override
    public void execute(ManageSieveSession s, Arguments args) throws Arguments.SyntaxException, IOException {
        String name = args.string("the script name");
        args.end();
        Optional<Script> script = s.scripts.get(s.account, name);
        s.reply(script.isEmpty() ? ScriptRules.NONEXISTENT
                : ManageSieveSession.literal(script.get().text()) + "\r\nOK");
    }
}

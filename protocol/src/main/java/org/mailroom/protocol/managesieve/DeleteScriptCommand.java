package org.mailroom.protocol.managesieve;

import java.io.IOException;

/** DELETESCRIPT (RFC 5804 section 2.10): the active script cannot be deleted. */
final class DeleteScriptCommand implements ManageSieveCommand {

    @Override
    public void execute(ManageSieveSession s, Arguments args) throws Arguments.SyntaxException, IOException {
        String name = args.string("the script name");
        args.end();
        if (s.scripts.delete(s.account, name)) {
            s.reply("OK");
        } else if (s.scripts.get(s.account, name).isPresent()) {
            s.reply("NO (ACTIVE) \"The active script cannot be deleted\"");
        } else {
            s.reply(ScriptRules.NONEXISTENT);
        }
    }
}

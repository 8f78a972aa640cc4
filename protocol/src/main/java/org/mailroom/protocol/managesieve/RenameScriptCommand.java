package org.mailroom.protocol.managesieve;

import java.io.IOException;

/** RENAMESCRIPT (RFC 5804 section 2.11.1): the new name must be good and free, the old one must exist. */
final class RenameScriptCommand implements ManageSieveCommand {

    @Override
    public void execute(ManageSieveSession s, Arguments args) throws Arguments.SyntaxException, IOException {
        String from = args.string("the old name");
        String to = args.string("the new name");
        args.end();
        if (!ScriptRules.goodName(s, to)) return;
        if (s.scripts.rename(s.account, from, to)) {
            s.reply("OK");
        } else if (s.scripts.get(s.account, from).isEmpty()) {
            s.reply(ScriptRules.NONEXISTENT);
        } else {
            s.reply("NO (ALREADYEXISTS) \"A script of the new name exists\"");
        }
    }
}

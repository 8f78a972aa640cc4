package org.mailroom.protocol.managesieve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** PUTSCRIPT (RFC 5804 section 2.6): compiled before it is stored; a script that does not compile is not stored. */
final class PutScriptCommand implements ManageSieveCommand {

    @Override
    public void execute(ManageSieveSession s, Arguments args) throws Arguments.SyntaxException, IOException {
        String name = args.string("the script name");
        String text = args.string("the script");
        args.end();
        if (!ScriptRules.room(s, name, text.getBytes(StandardCharsets.UTF_8).length)) return;
        if (!ScriptRules.compiles(s, name, text)) return;
        s.scripts.put(s.account, name, text);
        s.uploaded++;
        s.reply("OK");
    }
}

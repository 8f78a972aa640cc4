package org.mailroom.protocol.managesieve;

import java.nio.charset.StandardCharsets;

/** CHECKSCRIPT (RFC 5804 section 2.12): compile only, nothing stored. */
final class CheckScriptCommand implements ManageSieveCommand {

    @Override
    public void execute(ManageSieveSession s, Arguments args) throws Arguments.SyntaxException {
        String text = args.string("the script");
        args.end();
        if (ScriptRules.smallEnough(s, text.getBytes(StandardCharsets.UTF_8).length)
                && ScriptRules.compiles(s, "CHECKSCRIPT", text)) {
            s.reply("OK");
        }
    }
}

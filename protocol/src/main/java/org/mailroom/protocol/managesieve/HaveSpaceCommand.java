package org.mailroom.protocol.managesieve;

import java.io.IOException;

/** HAVESPACE (RFC 5804 section 2.5): would a script of this name and size fit? */
final class HaveSpaceCommand implements ManageSieveCommand {

    @Override
    public void execute(ManageSieveSession s, Arguments args) throws Arguments.SyntaxException, IOException {
        String name = args.string("the script name");
        long size = args.number("the size");
        args.end();
        if (ScriptRules.room(s, name, size)) s.reply("OK");
    }
}

package org.mailroom.protocol.managesieve;

import java.io.IOException;

/** SETACTIVE (RFC 5804 section 2.8): the empty name deactivates. */
final class SetActiveCommand implements ManageSieveCommand {

    @Override
    public void execute(ManageSieveSession s, Arguments args) throws Arguments.SyntaxException, IOException {
        String name = args.string("the script name");
        args.end();
        s.reply(s.scripts.activate(s.account, name.isEmpty() ? null : name) ? "OK" : ScriptRules.NONEXISTENT);
    }
}

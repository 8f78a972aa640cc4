package org.mailroom.protocol.managesieve;

/** NOOP (RFC 5804 section 2.13): an optional string, echoed in a TAG response code. */
final class NoopCommand implements ManageSieveCommand {

    @Override
    public void execute(ManageSieveSession s, Arguments args) throws Arguments.SyntaxException {
        String tag = args.isEmpty() ? null : args.string("a tag");
        args.end();
        s.reply(tag == null ? "OK \"Done\"" : "OK (TAG " + ManageSieveSession.quote(tag) + ") \"Done\"");
    }
}

package org.mailroom.protocol.imap;

import java.io.IOException;
import java.util.Locale;
import org.mailroom.core.store.MailStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one IMAP command line for a session: parsed by {@link ImapParser}, looked up in {@link CommandTable},
 * checked against the session's state, run; what a command throws becomes its tagged BAD or NO, never a stack
 * trace to the client.
 */
final class CommandDispatch {

    private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);

    private CommandDispatch() {}

    static void run(ImapSession session, byte[] bytes) throws IOException {
        ImapParser.Parsed parsed;
        try {
            parsed = ImapParser.parse(bytes);
        } catch (BadCommandException e) {
            session.send(ImapParser.tagOf(bytes) + " BAD " + e.getMessage());
            return;
        }
        String name = parsed.name();
        Arguments args = new Arguments(parsed.arguments());
        boolean uid = name.equals("UID");
        if (uid) {
            try {
                name = args.atom("the command after UID").toUpperCase(Locale.ROOT);
            } catch (BadCommandException e) {
                session.send(parsed.tag() + " BAD " + e.getMessage());
                return;
            }
        }
        CommandTable.Entry entry = uid ? CommandTable.UID_COMMANDS.get(name) : CommandTable.COMMANDS.get(name);
        Request request = new Request(parsed.tag(), name, uid, args);
        if (entry == null) {
            session.send(parsed.tag() + " BAD Unknown command " + request.fullName());
            return;
        }
        if (!entry.states().contains(session.state())) {
            session.send(parsed.tag() + " BAD " + request.fullName() + " is not valid in the " + session.state() + " state");
            return;
        }
        try {
            entry.command().execute(session, request);
        } catch (BadCommandException e) {
            session.send(parsed.tag() + " BAD " + e.getMessage());
        } catch (MailStoreException.NotFound e) {
            session.send(parsed.tag() + " NO [NONEXISTENT] " + e.getMessage());
        } catch (MailStoreException.AlreadyExists e) {
            session.send(parsed.tag() + " NO [ALREADYEXISTS] " + e.getMessage());
        } catch (MailStoreException e) {
            session.send(parsed.tag() + " NO [CANNOT] " + e.getMessage());
        } catch (IOException e) {
            // The store or its database is away: RFC 5530 section 3 UNAVAILABLE, a temporary failure the
            // client may retry; the session stays as it was.
            LOG.warn("IMAP {} failed for {}: {}", request.fullName(), session.account(), e.toString());
            session.send(parsed.tag() + " NO [UNAVAILABLE] " + request.fullName() + " failed, try again later");
        } catch (RuntimeException e) {
            // Never a stack trace to the client; the tag tells it which command failed.
            LOG.warn("IMAP {} failed for {}", request.fullName(), session.account(), e);
            session.send(parsed.tag() + " NO [SERVERBUG] " + request.fullName() + " failed");
        }
    }
}

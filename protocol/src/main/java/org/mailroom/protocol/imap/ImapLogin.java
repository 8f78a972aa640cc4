package org.mailroom.protocol.imap;

/** A failed LOGIN or AUTHENTICATE: the shared {@code LoginGuard} decides the delay and when to close. */
public final class ImapLogin {

    private ImapLogin() {}

    /**
     * The tagged NO ({@code text} starts with its response code) waits for the guard's delay, without holding the
     * session's thread; after the last allowed failure, BYE and close.
     */
    public static void failed(ImapSession session, Request request, String text) {
        if (session.refuseLogin(close -> reply(session, request, text, close))) {
            session.setOutcome("too many login failures");
        }
    }

    private static void reply(ImapSession session, Request request, String text, boolean close) {
        session.send(request.tag() + " NO " + text);
        if (close) {
            session.untagged("BYE Too many failed logins");
            session.closeAfterReply();
        }
    }
}

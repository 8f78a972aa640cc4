package org.mailroom.protocol.imap;

/** What an IMAP session announces (CAPABILITY, the greeting, a login's OK): only what is implemented and tested. */
final class ImapCapabilities {

    private ImapCapabilities() {}

    static String of(ImapSession session) {
        StringBuilder caps = new StringBuilder("IMAP4rev1 IMAP4rev2");
        if (session.state() == ImapSession.State.NOT_AUTHENTICATED) caps.append(beforeLogin(session));
        caps.append(" LITERAL+ ENABLE ID IDLE NAMESPACE UNSELECT UIDPLUS MOVE CHILDREN SPECIAL-USE LIST-EXTENDED BINARY")
                .append(" LIST-STATUS STATUS=SIZE ESEARCH SEARCHRES CONDSTORE QRESYNC APPENDLIMIT=")
                .append(session.settings().maxLiteralSize());
        caps.append(" MULTIAPPEND");
        caps.append(" UTF8=ACCEPT");
        caps.append(" SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES");
        caps.append(" QUOTA QUOTA=RES-STORAGE");
        caps.append(" CREATE-SPECIAL-USE");
        caps.append(" COMPRESS=DEFLATE");
        return caps.toString();
    }

    /**
     * Before login (RFC 9051 sections 6.2.1-6.2.3, RFC 4959): STARTTLS where it can start, LOGINDISABLED where
     * passwords may not cross in the clear, and the SASL mechanisms this connection allows. Computed afresh each
     * time, so after STARTTLS the client sees the list for the encrypted connection.
     */
    private static String beforeLogin(ImapSession session) {
        StringBuilder caps = new StringBuilder();
        if (session.tlsOffered()) caps.append(" STARTTLS");
        if (!session.plaintextAuthAllowed()) caps.append(" LOGINDISABLED");
        for (String mechanism : session.sasl().offered(session.saslChannel())) caps.append(" AUTH=").append(mechanism);
        return caps.append(" SASL-IR").toString();
    }
}

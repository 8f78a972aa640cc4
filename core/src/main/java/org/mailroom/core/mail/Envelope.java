package org.mailroom.core.mail;

import java.time.Instant;
import java.util.List;

/**
 * The SMTP envelope of one message: who sent it (the reverse path) and to whom it goes (the forward
 * paths), plus the facts about the session that the trace headers and logs need.
 *
 * @param id          the queue id under which logs and headers name this message
 * @param sender      the reverse path, or {@code null} for the null sender {@code <>} of bounces
 * @param recipients  the accepted forward paths, in the order the client gave them
 * @param heloName    the name the client gave in EHLO or HELO
 * @param clientAddress the client's IP address as text
 * @param received    when the transaction started
 * @param dsn         the sender's delivery status notification parameters, {@link Dsn#NONE} without any
 * @param authenticatedUser the account that authenticated the session (submission), or null
 * @param quarantined the inbound checks want this message kept away from the INBOX (DMARC {@code p=quarantine},
 *                    RFC 7489 section 6.3): local copies go into each account's Junk mailbox (special-use
 *                    {@code \Junk}, RFC 6154); copies forwarded to other hosts are queued as usual
 */
public record Envelope(String id, MailAddress sender, List<MailAddress> recipients, String heloName,
                       String clientAddress, Instant received, Dsn dsn, String authenticatedUser,
                       boolean quarantined) {

    public Envelope {
        recipients = List.copyOf(recipients);
        if (dsn == null) dsn = Dsn.NONE;
    }

    /** An envelope whose local copies go to the INBOX. */
    public Envelope(String id, MailAddress sender, List<MailAddress> recipients, String heloName,
                    String clientAddress, Instant received, Dsn dsn, String authenticatedUser) {
        this(id, sender, recipients, heloName, clientAddress, received, dsn, authenticatedUser, false);
    }

    /** An envelope without DSN parameters or authentication (inbound mail, local notices). */
    public Envelope(String id, MailAddress sender, List<MailAddress> recipients, String heloName,
                    String clientAddress, Instant received) {
        this(id, sender, recipients, heloName, clientAddress, received, Dsn.NONE, null, false);
    }

    /** The same envelope, its local copies bound for Junk. */
    public Envelope quarantine() {
        return new Envelope(id, sender, recipients, heloName, clientAddress, received, dsn, authenticatedUser, true);
    }

    public boolean isNullSender() {
        return sender == null;
    }

    /** The reverse path as it appears in MAIL FROM and Return-Path: {@code <a@b>} or {@code <>}. */
    public String reversePath() {
        return sender == null ? "<>" : "<" + sender + ">";
    }
}

package org.mailroom.core.mail;

import java.util.Map;
import java.util.Set;

/**
 * What the sender asked of delivery status notifications (RFC 3461), kept with the message until the
 * outbound MTA needs it for a bounce, a delay notice, or to pass on to the next host.
 *
 * @param envid       ENVID of MAIL FROM (xtext decoded), or null
 * @param ret         RET of MAIL FROM, or null when not given
 * @param recipients  NOTIFY and ORCPT of each RCPT TO that had them, by the recipient's canonical address
 */
public record Dsn(String envid, Ret ret, Map<String, RecipientDsn> recipients) {

    /** No DSN parameters at all: the server's defaults apply (bounce on failure). */
    public static final Dsn NONE = new Dsn(null, null, Map.of());

    public Dsn {
        recipients = Map.copyOf(recipients);
    }

    /** How much of the message a bounce returns. */
    public enum Ret { FULL, HDRS }

    /** When the sender wants to hear about this recipient; an empty set is NOTIFY=NEVER. */
    public enum Notify { SUCCESS, FAILURE, DELAY }

    /**
     * @param notifyOn null when NOTIFY was not given (then failures are reported, RFC 3461 section 4.1)
     * @param orcpt  the original recipient as given, {@code rfc822;user@example.org}, or null
     */
    public record RecipientDsn(Set<Notify> notifyOn, String orcpt) {
        public RecipientDsn {
            notifyOn = notifyOn == null ? null : Set.copyOf(notifyOn);
        }
    }

    /** The parameters for one recipient, or the defaults. */
    public RecipientDsn forRecipient(MailAddress recipient) {
        RecipientDsn r = recipients.get(recipient.canonical());
        return r == null ? new RecipientDsn(null, null) : r;
    }
}

package org.mailroom.protocol.smtp;

import static org.mailroom.protocol.smtp.SmtpParameters.afterKeyword;
import static org.mailroom.protocol.smtp.SmtpParameters.keyOf;
import static org.mailroom.protocol.smtp.SmtpParameters.parameters;
import static org.mailroom.protocol.smtp.SmtpParameters.valueOf;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.mail.SmtpPath;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.protocol.LogText;

/**
 * RCPT TO (RFC 5321 section 4.1.1.3) with NOTIFY and ORCPT (RFC 3461): guards, then the router's answer for
 * the recipient (ours, relayed, unknown, refused for relaying, or full).
 */
final class RcptCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String arg) {
        MailTransaction tx = s.tx;
        if (s.state != SmtpSession.State.MAIL) {
            s.error("503 5.5.1 Error: need MAIL command");
            return;
        }
        if (tx.recipients.size() >= s.settings.maxRecipients()) {
            s.reply("452 4.5.3 Error: too many recipients"); // RFC 5321 section 4.5.3.1.10: not an error
            return;
        }
        String path = afterKeyword(arg, "TO:");
        if (path == null) {
            s.error("501 5.5.4 Syntax: RCPT TO:<address>");
            return;
        }
        SmtpPath.Parsed parsed;
        try {
            parsed = parseRecipient(s, path);
        } catch (IllegalArgumentException e) {
            s.error("501 5.1.3 Bad recipient address syntax: " + e.getMessage());
            return;
        } catch (IOException e) {
            s.reply("451 4.3.0 Temporary lookup failure, try again later");
            return;
        }
        Set<Dsn.Notify> notify = null;
        String orcpt = null;
        Set<String> seen = new HashSet<>();
        for (String param : parameters(parsed.rest())) {
            String key = keyOf(param);
            String value = valueOf(param);
            if (!s.esmtp || !seen.add(key)) {
                s.error("501 5.5.4 Bad or duplicate parameter " + key);
                return;
            }
            if (key.equals("NOTIFY")) {
                notify = parseNotify(value);
                if (notify == null) {
                    s.error("501 5.5.4 Bad NOTIFY parameter (NEVER, or SUCCESS, FAILURE, DELAY)");
                    return;
                }
            } else if (key.equals("ORCPT")) {
                orcpt = parseOrcpt(value);
                if (orcpt == null) {
                    s.error("501 5.5.4 Bad ORCPT parameter (addr-type;xtext)");
                    return;
                }
            } else {
                s.error("555 5.5.4 Unsupported option: " + key);
                return;
            }
        }
        MailAddress rcpt = parsed.address();
        if (rcpt.needsUtf8() && !tx.smtpUtf8) {
            s.error("553 5.6.7 Recipient address needs SMTPUTF8");
            return;
        }
        Router.Decision decision;
        try {
            decision = s.router.check(rcpt, s.settings.mayRelay() || s.user != null);
        } catch (IOException e) {
            SmtpSession.log.warn("recipient lookup failed for {}: {}", LogText.of(rcpt.toString()), e.toString());
            s.reply("451 4.3.0 <" + rcpt + ">: Temporary lookup failure, try again later");
            return;
        }
        switch (decision) {
            case LOCAL:
            case REMOTE:
                tx.recipients.add(rcpt);
                if (notify != null || orcpt != null) tx.recipientDsn.put(rcpt.canonical(), new Dsn.RecipientDsn(notify, orcpt));
                s.reply("250 2.1.5 Ok");
                break;
            case UNKNOWN_USER:
                Metrics.get().messageRefused("550 5.1.1");
                s.error("550 5.1.1 <" + rcpt + ">: Recipient address rejected: User unknown");
                break;
            case RELAY_DENIED:
                Metrics.get().messageRefused("550 5.7.1");
                s.error("550 5.7.1 <" + rcpt + ">: Relay access denied");
                break;
            case MAILBOX_FULL:
                // RFC 3463 X.2.2 is a persistent transient failure: the user can make room, the client retries
                // this recipient later while the others get the message now. Not counted as a client error.
                Metrics.get().messageRefused("452 4.2.2");
                s.reply("452 4.2.2 <" + rcpt + ">: Mailbox full, try again later");
                break;
        }
    }

    /**
     * The forward path, with the two forms that name this host rather than a domain: {@code <Postmaster>}
     * without a domain (RFC 5321 section 4.5.1 requires it) and an address literal of the IP address the client
     * connected to (section 4.1.3).
     */
    private static SmtpPath.Parsed parseRecipient(SmtpSession s, String path) throws IOException {
        if (path.regionMatches(true, 0, "<postmaster>", 0, 12)) {
            return new SmtpPath.Parsed(new MailAddress("postmaster", s.router.primaryDomain(s.settings.hostname())),
                    path.substring(12));
        }
        SmtpPath.Parsed parsed = SmtpPath.parse(path, false);
        String domain = parsed.address().domain();
        if (domain.startsWith("[") && isOurAddressLiteral(s, domain)) {
            return new SmtpPath.Parsed(new MailAddress(parsed.address().localPart(),
                    s.router.primaryDomain(s.settings.hostname())), parsed.rest());
        }
        return parsed;
    }

    private static boolean isOurAddressLiteral(SmtpSession s, String literal) {
        if (!(s.ctx.channel().localAddress() instanceof InetSocketAddress)) return false;
        String ip = ((InetSocketAddress) s.ctx.channel().localAddress()).getAddress().getHostAddress();
        String inner = literal.substring(1, literal.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) inner = inner.substring(5);
        return inner.equalsIgnoreCase(ip);
    }

    /** NOTIFY=NEVER or a comma list of SUCCESS, FAILURE, DELAY (RFC 3461 section 4.1); null if malformed. */
    private static Set<Dsn.Notify> parseNotify(String value) {
        if (value == null || value.isEmpty()) return null;
        if (value.equalsIgnoreCase("NEVER")) return EnumSet.noneOf(Dsn.Notify.class);
        Set<Dsn.Notify> set = EnumSet.noneOf(Dsn.Notify.class);
        for (String item : value.split(",", -1)) {
            try {
                if (!set.add(Dsn.Notify.valueOf(item.toUpperCase(Locale.ROOT)))) return null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return set;
    }

    /** ORCPT=addr-type;xtext (RFC 3461 section 4.2), returned decoded as {@code type;address}; null if malformed. */
    private static String parseOrcpt(String value) {
        if (value == null) return null;
        int semi = value.indexOf(';');
        if (semi <= 0) return null;
        String address = Xtext.decode(value.substring(semi + 1));
        if (address == null || address.isEmpty()) return null;
        return value.substring(0, semi) + ";" + address;
    }
}

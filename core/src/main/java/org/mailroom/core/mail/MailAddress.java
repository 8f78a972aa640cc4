package org.mailroom.core.mail;

import java.net.IDN;
import java.util.Locale;

/**
 * A mailbox address, {@code local-part@domain}, as found in an SMTP path once the brackets and any
 * source route are removed (RFC 5321 section 4.1.2).
 *
 * <p>The domain is kept in lower case, in Unicode form when the client used UTF-8 (RFC 6531), and may
 * be an address literal such as {@code [192.0.2.1]}. The local part keeps its case: RFC 5321 section
 * 2.4 leaves its interpretation to the receiving host, and Mailroom looks accounts up case-insensitively
 * while passing the original on to other hosts.
 */
public record MailAddress(String localPart, String domain) {

    public MailAddress {
        if (localPart == null || localPart.isEmpty()) throw new IllegalArgumentException("empty local part");
        if (domain == null || domain.isEmpty()) throw new IllegalArgumentException("empty domain");
        domain = domain.toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code local@domain} without angle brackets; the local part may be a quoted string. Use
     * {@link SmtpPath} for what follows {@code MAIL FROM:} and {@code RCPT TO:}.
     *
     * @throws IllegalArgumentException with a message fit for a 501 reply
     */
    public static MailAddress parse(String text) {
        return SmtpPath.parseMailbox(text);
    }

    /** The address in lower case, the key under which the directory knows accounts and aliases. */
    public String canonical() {
        return (unquotedLocalPart().toLowerCase(Locale.ROOT) + "@" + domain);
    }

    /** The local part without quotes and quoted-pair backslashes: {@code "a b"} gives {@code a b}. */
    public String unquotedLocalPart() {
        if (localPart.length() >= 2 && localPart.charAt(0) == '"' && localPart.charAt(localPart.length() - 1) == '"') {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < localPart.length() - 1; i++) {
                char c = localPart.charAt(i);
                if (c == '\\' && i + 1 < localPart.length() - 1) c = localPart.charAt(++i);
                out.append(c);
            }
            return out.toString();
        }
        return localPart;
    }

    /** True when the local part or domain holds non-ASCII characters, which needs SMTPUTF8 to relay. */
    public boolean needsUtf8() {
        return !isAscii(localPart) || !isAscii(domain);
    }

    /** The domain in ASCII (A-label) form, for DNS and for directory look-ups. */
    public String asciiDomain() {
        if (domain.startsWith("[") || isAscii(domain)) return domain;
        return IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return localPart + "@" + domain;
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }
}

package org.mailroom.core.mail;

import java.nio.charset.StandardCharsets;

/**
 * Parser for the paths of {@code MAIL FROM:<...>} and {@code RCPT TO:<...>} (RFC 5321 section 4.1.2),
 * with the UTF-8 forms of RFC 6531.
 *
 * <p>A source route ({@code <@relay.example:user@host>}) is parsed and dropped, as RFC 5321 section
 * 4.1.1.3 asks of a receiver. Anything that is not the grammar (a trailing dot in the domain, a bare
 * {@code user}, {@code user@a@b}, control characters) is refused: an address Mailroom does not
 * understand is never guessed at, since guessing is how open relays are made.
 */
public final class SmtpPath {

    /** RFC 5321 section 4.5.3.1.1 and 4.5.3.1.2. */
    static final int MAX_LOCAL_PART = 64;
    static final int MAX_DOMAIN = 255;
    /** RFC 5321 section 4.5.3.1.3, the whole path including the brackets. */
    static final int MAX_PATH = 256;

    /** A parsed path: the address ({@code null} for {@code <>}) and the text after {@code >}. */
    public record Parsed(MailAddress address, String rest) {}

    private final String s;
    private int pos;

    private SmtpPath(String s) {
        this.s = s;
    }

    /**
     * Parses a path at the start of {@code text}, which must begin with {@code <}. Returns the address and
     * whatever follows the closing bracket (the ESMTP parameters, with leading spaces).
     *
     * @param allowNull whether {@code <>} is allowed (in MAIL FROM, not in RCPT TO)
     * @throws IllegalArgumentException with a short reason fit for a 501 reply
     */
    public static Parsed parse(String text, boolean allowNull) {
        SmtpPath p = new SmtpPath(text);
        p.expect('<', "path must start with <");
        if (p.peek() == '>') {
            if (!allowNull) throw new IllegalArgumentException("null path not allowed here");
            p.pos++;
            return new Parsed(null, text.substring(p.pos));
        }
        if (p.peek() == '@') p.sourceRoute();
        MailAddress address = p.mailbox();
        p.expect('>', "path must end with >");
        if (utf8Length(text.substring(0, p.pos)) > MAX_PATH) throw new IllegalArgumentException("path too long");
        return new Parsed(address, text.substring(p.pos));
    }

    /** Parses a whole {@code local@domain} with nothing around it. */
    static MailAddress parseMailbox(String text) {
        SmtpPath p = new SmtpPath(text);
        MailAddress a = p.mailbox();
        if (p.pos != text.length()) throw new IllegalArgumentException("unexpected text after address");
        return a;
    }

    private void sourceRoute() {
        // A-d-l = At-domain *( "," At-domain ) ":"
        do {
            expect('@', "bad source route");
            domain();
        } while (accept(','));
        expect(':', "bad source route");
    }

    private MailAddress mailbox() {
        String local = peek() == '"' ? quotedString() : dotString();
        if (utf8Length(local) > MAX_LOCAL_PART) throw new IllegalArgumentException("local part too long");
        expect('@', "address must be local-part@domain");
        String domain = peek() == '[' ? addressLiteral() : domain();
        if (utf8Length(domain) > MAX_DOMAIN) throw new IllegalArgumentException("domain too long");
        return new MailAddress(local, domain);
    }

    private String dotString() {
        return dotted(this::atom);
    }

    private void atom() {
        int start = pos;
        while (pos < s.length() && isAtext(s.charAt(pos))) pos++;
        if (pos == start) throw new IllegalArgumentException("bad local part");
    }

    private String quotedString() {
        int start = pos;
        expect('"', "bad quoted string");
        while (true) {
            if (pos >= s.length()) throw new IllegalArgumentException("unterminated quoted string");
            char c = s.charAt(pos++);
            if (c == '"') break;
            if (c == '\\') {
                if (pos >= s.length() || s.charAt(pos) < 32 || s.charAt(pos) == 127) {
                    throw new IllegalArgumentException("bad quoted pair");
                }
                pos++;
            } else if (c < 32 || c == 127) {
                throw new IllegalArgumentException("control character in quoted string");
            }
        }
        return s.substring(start, pos);
    }

    private String domain() {
        return dotted(this::subDomain);
    }

    /** {@code part *("." part)}, as Dot-string and Domain are built (RFC 5321 section 4.1.2). */
    private String dotted(Runnable part) {
        int start = pos;
        part.run();
        while (peek() == '.') {
            pos++;
            part.run();
        }
        return s.substring(start, pos);
    }

    private void subDomain() {
        // sub-domain = Let-dig [Ldh-str]; RFC 6531 also allows a U-label, so letters beyond ASCII count.
        int start = pos;
        while (pos < s.length() && (isLetDig(s.charAt(pos)) || s.charAt(pos) == '-')) pos++;
        if (pos == start || s.charAt(start) == '-' || s.charAt(pos - 1) == '-') {
            throw new IllegalArgumentException("bad domain");
        }
        if (pos - start > 63) throw new IllegalArgumentException("domain label too long");
    }

    private String addressLiteral() {
        int start = pos;
        int end = s.indexOf(']', pos);
        if (end < 0) throw new IllegalArgumentException("unterminated address literal");
        String inner = s.substring(pos + 1, end);
        if (inner.isEmpty()) throw new IllegalArgumentException("empty address literal");
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            // dcontent = %d33-90 / %d94-126 (RFC 5321 section 4.1.3)
            if (c < 33 || c > 126 || c == '[' || c == '\\') throw new IllegalArgumentException("bad address literal");
        }
        pos = end + 1;
        return s.substring(start, pos);
    }

    private static boolean isLetDig(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
    }

    /** atext of RFC 5322 section 3.2.3, plus UTF-8 (RFC 6531). */
    private static boolean isAtext(char c) {
        if (c >= 0x80) return true;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
        return "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private char peek() {
        return pos < s.length() ? s.charAt(pos) : '\0';
    }

    private boolean accept(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c, String message) {
        if (!accept(c)) throw new IllegalArgumentException(message);
    }

    private static int utf8Length(String s) {
        return MailAddress.isAscii(s) ? s.length() : s.getBytes(StandardCharsets.UTF_8).length;
    }
}

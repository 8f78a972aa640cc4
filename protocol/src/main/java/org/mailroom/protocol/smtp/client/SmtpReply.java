package org.mailroom.protocol.smtp.client;

import java.util.List;

/**
 * One reply of a remote SMTP server: the three-digit code and its text lines (RFC 5321 section 4.2), e.g.
 * {@code 550 5.1.1 <bob@b.test>: no such user}.
 */
public record SmtpReply(int code, List<String> lines) {

    public SmtpReply {
        lines = List.copyOf(lines);
    }

    /** A reply we make up for a failure that had none (timeout, closed connection), for the history. */
    public static SmtpReply local(int code, String text) {
        return new SmtpReply(code, List.of(text));
    }

    public boolean isPositive() {
        return code >= 200 && code < 400;
    }

    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    public boolean isPermanent() {
        return code >= 500;
    }

    /** The RFC 3463 code at the start of the first line ("5.1.1"), or null when the server gave none. */
    public String enhancedStatus() {
        String first = lines.isEmpty() ? "" : lines.get(0);
        int space = first.indexOf(' ');
        String word = space < 0 ? first : first.substring(0, space);
        if (word.matches("[245]\\.\\d{1,3}\\.\\d{1,3}") && word.charAt(0) == Character.forDigit(code / 100, 10)) {
            return word;
        }
        return null;
    }

    /** The whole reply on one line, as the history and Diagnostic-Code show it. */
    @Override
    public String toString() {
        return code + " " + String.join(" / ", lines);
    }
}

package org.mailroom.delivery.sieve;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;
import org.mailroom.sieve.SieveAction;

/** The messages Sieve delivery writes itself: vacation replies and the note to a user whose script failed. */
public final class AutoMessages {

    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private AutoMessages() {}

    /** A fresh Message-ID of ours, with angle brackets. */
    static String messageId(String hostname) {
        return "<" + UUID.randomUUID().toString().replace("-", "") + ".sieve@" + hostname + ">";
    }

    /**
     * The vacation reply (RFC 5230 section 5): sent from the null reverse path (the caller's envelope),
     * {@code Auto-Submitted: auto-replied} so that no other responder answers it (RFC 3834 section 5), and
     * In-Reply-To and References naming the message answered so that the sender's client threads it.
     */
    public static byte[] vacation(SieveAction.Vacation v, String hostname, Instant now) {
        StringBuilder m = new StringBuilder();
        m.append("Return-Path: <>\r\n");
        m.append("From: ").append(address(v.from())).append("\r\n");
        m.append("To: ").append(address(v.to())).append("\r\n");
        m.append("Subject: ").append(HeaderEditor.encode(v.subject())).append("\r\n");
        m.append("Date: ").append(RFC5322_DATE.format(now)).append("\r\n");
        m.append("Message-ID: ").append(messageId(hostname)).append("\r\n");
        if (v.inReplyTo() != null && !v.inReplyTo().isBlank()) {
            String id = v.inReplyTo().strip();
            if (!id.startsWith("<")) id = "<" + id + ">";
            m.append("In-Reply-To: ").append(id).append("\r\n");
            m.append("References: ").append(id).append("\r\n");
        }
        m.append("Auto-Submitted: auto-replied (vacation)\r\n");
        m.append("MIME-Version: 1.0\r\n");
        if (v.mime()) {
            // :mime: the reason is a whole MIME entity, its own header fields first (section 5.8).
            m.append(crlf(v.body()));
        } else {
            m.append(textBody(v.body()));
        }
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The note to the user: what failed and that the message is in the INBOX anyway. */
    public static byte[] scriptFailed(String account, String error, String about, String hostname, Instant now) {
        StringBuilder m = new StringBuilder();
        m.append("Return-Path: <>\r\n");
        m.append("From: Mail Delivery System <MAILER-DAEMON@").append(hostname).append(">\r\n");
        m.append("To: <").append(account).append(">\r\n");
        m.append("Subject: Your Sieve filter failed\r\n");
        m.append("Date: ").append(RFC5322_DATE.format(now)).append("\r\n");
        m.append("Message-ID: ").append(messageId(hostname)).append("\r\n");
        m.append("Auto-Submitted: auto-generated\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append(textBody("Your Sieve filter failed while a message was delivered to you:\n\n    " + error
                + "\n\nThe message (" + about + ") was kept in your INBOX instead, so nothing was lost.\n"
                + "This note is sent at most once an hour; the server's log has every failure.\n"));
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A plain text body: 7bit when ASCII, else base64 (the reply may go to a host without 8BITMIME). */
    private static String textBody(String text) {
        String body = crlf(text);
        if (!body.endsWith("\r\n")) body += "\r\n";
        if (body.chars().allMatch(c -> c < 128)) {
            return "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + body;
        }
        String b64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'})
                .encodeToString(body.getBytes(StandardCharsets.UTF_8));
        return "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n";
    }

    private static String crlf(String text) {
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n");
    }

    /** An address for a header field: as given when it has a display part or brackets, else in brackets. */
    private static String address(String a) {
        String s = a.replaceAll("[\r\n]+", " ").strip();
        if (s.contains("<")) return s;
        return "<" + s + ">";
    }
}

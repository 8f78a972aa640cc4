package org.mailroom.sieve.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.mailroom.sieve.SieveAction;
import org.mailroom.sieve.script.Call;

/**
 * Whether a vacation command answers, and with what (RFC 5230 section 4, RFC 3834 section 2). In order: never to
 * the null sender or to list and system senders (owner-*, *-request, MAILER-DAEMON); never to auto-submitted
 * mail, list mail (List-* fields) or bulk mail (Precedence); only to mail addressed to the user in To, Cc, Bcc,
 * Resent-To or Resent-Cc; never to the user; and once per period per sender and handle, through
 * {@link org.mailroom.sieve.SieveEnvironment#seenBefore} (asked last, so that a refused message does not count).
 */
final class Vacation {

    static final int DEFAULT_DAYS = 7;
    /** RFC 5230 section 4.1: sites may cap :days; a year is long enough for any absence. */
    static final long MAX_SECONDS = Duration.ofDays(365).toSeconds();
    private static final List<String> LIST_FIELDS = List.of("List-Id", "List-Help", "List-Subscribe",
            "List-Unsubscribe", "List-Post", "List-Owner", "List-Archive");
    private static final List<String> RECIPIENT_FIELDS = List.of("To", "Cc", "Bcc", "Resent-To", "Resent-Cc");

    private Vacation() {}

    static Optional<SieveAction.Vacation> decide(Interpreter in, Call c, Frame f) {
        String sender = in.message.envelopeFrom();
        if (sender.isEmpty()) return Optional.empty();
        String local = Addresses.localPart(sender).toLowerCase(Locale.ROOT);
        if (local.equals("mailer-daemon") || local.startsWith("owner-") || local.endsWith("-request")) return Optional.empty();

        MessageView view = in.view;
        String autoSubmitted = view.first("Auto-Submitted");
        if (autoSubmitted != null && !autoSubmitted.split(";")[0].trim().equalsIgnoreCase("no")) return Optional.empty();
        for (String field : LIST_FIELDS) if (view.first(field) != null) return Optional.empty();
        String precedence = view.first("Precedence");
        if (precedence != null && Set.of("bulk", "list", "junk").contains(precedence.trim().toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }

        Set<String> mine = new HashSet<>();
        for (String a : in.env.addresses()) mine.add(a.toLowerCase(Locale.ROOT));
        mine.add(in.env.account().toLowerCase(Locale.ROOT));
        if (c.has("addresses")) for (String a : in.variables.expandAll(c.tagStrings("addresses"), f)) mine.add(a.toLowerCase(Locale.ROOT));
        if (mine.contains(sender.toLowerCase(Locale.ROOT))) return Optional.empty();
        String addressedTo = null;
        for (String field : RECIPIENT_FIELDS) {
            for (MessageView.Field x : view.fields(field)) {
                for (String a : x.addresses()) {
                    if (addressedTo == null && mine.contains(a.toLowerCase(Locale.ROOT))) addressedTo = a;
                }
            }
        }
        if (addressedTo == null) return Optional.empty();

        String reason = in.variables.expand(c.string(0), f);
        String subject = c.has("subject") ? in.variables.expand(c.tagString("subject"), f) : null;
        String from = c.has("from") ? in.variables.expand(c.tagString("from"), f) : null;
        long seconds = c.has("seconds") ? Math.max(0, c.tagNumber("seconds", 0))
                : Math.min(Math.max(1, c.tagNumber("days", DEFAULT_DAYS)), 365) * 86_400L;
        String handle = c.has("handle") ? in.variables.expand(c.tagString("handle"), f)
                : defaultHandle(reason, subject, from, c.has("mime"));
        String key = "vacation:" + handle.length() + ":" + handle + ":" + sender.toLowerCase(Locale.ROOT);
        if (in.env.seenBefore(key, Duration.ofSeconds(Math.min(seconds, MAX_SECONDS)))) return Optional.empty();

        if (subject == null) {
            String original = view.fields("Subject").isEmpty() ? null : view.fields("Subject").get(0).decoded();
            subject = original == null || original.isBlank() ? "Auto: (no subject)" : "Auto: " + original;
        }
        return Optional.of(new SieveAction.Vacation(sender, from != null ? from : addressedTo, subject, reason,
                c.has("mime"), view.first("Message-ID")));
    }

    /** RFC 5230 section 4.2: without :handle, two vacation commands with the same arguments share the tracking. */
    private static String defaultHandle(String reason, String subject, String from, boolean mime) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String s : new String[] {reason, subject, from, mime ? "mime" : ""}) {
                d.update((s == null ? "\u0000" : s).getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0x1f);
            }
            return HexFormat.of().formatHex(d.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

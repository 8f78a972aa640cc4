package org.mailroom.core.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.mailroom.core.mail.MailAddress;

/**
 * The Sender Rewriting Scheme: a message we forward to another host (a Sieve redirect, an alias pointing
 * elsewhere) leaves with a reverse path in one of our domains, so that the next host's SPF check looks at our
 * domain, which does allow us; a bounce to that address comes back here and goes on to the original sender.
 *
 * <p>The address: {@code SRS0=HHHHHH=TT=example.com=alice@forwarding.example} for {@code alice@example.com}
 * forwarded by {@code forwarding.example}. {@code TT} is the day (days since 1970, modulo 1024, two base32
 * characters) and {@code HHHHHH} six base32 characters of an HMAC-SHA256 of the day, domain and local part under a
 * secret of ours, all in lower case since other hosts may change the case of a local part. So nobody can use our
 * domain as a relay by making up SRS addresses, and an address older than {@link #MAX_AGE} is refused.
 *
 * <p>Not done, on purpose: SRS1 (shortening a chain of forwarders). A reverse path that is already an SRS0 address of
 * another host is wrapped again, which only makes it longer; its bounce is passed back through that host.
 */
public final class Srs {

    /** How long a bounce to one of our SRS addresses is taken: mail retries for days, and then bounces. */
    public static final Duration MAX_AGE = Duration.ofDays(21);

    private static final String PREFIX = "SRS0=";
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
    private static final int DAYS = 1024; // two base32 characters of day stamp

    private final byte[] secret;

    /** @param secret the key of the hashes; every node that may receive the bounces must have the same one */
    public Srs(byte[] secret) {
        if (secret.length < 16) throw new IllegalArgumentException("SRS secret shorter than 16 octets");
        this.secret = secret.clone();
    }

    /** Whether {@code address} has the shape of an SRS address (whoever made it). */
    public static boolean looksLikeSrs(MailAddress address) {
        return address.unquotedLocalPart().regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /**
     * The reverse path for a copy of a message from {@code sender} that {@code forwardingDomain} sends on.
     * Local parts that would need quoting are forwarded as they are (the address is then only longer).
     */
    public MailAddress forward(MailAddress sender, String forwardingDomain, Instant now) {
        String day = day(now);
        String local = sender.unquotedLocalPart();
        String hash = hash(day, sender.domain(), local);
        return new MailAddress(PREFIX + hash + "=" + day + "=" + sender.domain() + "=" + local, forwardingDomain);
    }

    /**
     * The original sender of one of our SRS addresses; empty if the hash does not match (made up, or by another
     * secret) or the address is older than {@link #MAX_AGE} (the caller refuses it: 550).
     */
    public Optional<MailAddress> reverse(MailAddress address, Instant now) {
        String local = address.unquotedLocalPart();
        if (!looksLikeSrs(address)) return Optional.empty();
        String[] parts = local.substring(PREFIX.length()).split("=", 4);
        if (parts.length != 4 || parts[2].isEmpty() || parts[3].isEmpty()) return Optional.empty();
        String hash = parts[0].toLowerCase(Locale.ROOT);
        String day = parts[1].toLowerCase(Locale.ROOT);
        String domain = parts[2];
        String originalLocal = parts[3];
        if (day.length() != 2 || decodeDay(day) < 0) return Optional.empty();
        byte[] expected = hash(day, domain, originalLocal).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, hash.getBytes(StandardCharsets.US_ASCII))) return Optional.empty();
        long age = Math.floorMod(today(now) - decodeDay(day), DAYS);
        if (age > MAX_AGE.toDays()) return Optional.empty();
        try {
            return Optional.of(MailAddress.parse(originalLocal + "@" + domain));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static long today(Instant now) {
        return Math.floorMod(now.getEpochSecond() / 86_400, DAYS);
    }

    private static String day(Instant now) {
        long d = today(now);
        return "" + BASE32.charAt((int) (d >> 5)) + BASE32.charAt((int) (d & 31));
    }

    private static int decodeDay(String day) {
        int hi = BASE32.indexOf(day.charAt(0));
        int lo = BASE32.indexOf(day.charAt(1));
        return hi < 0 || lo < 0 ? -1 : hi * 32 + lo;
    }

    private String hash(String day, String domain, String local) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] h = mac.doFinal((day + "=" + domain + "=" + local).toLowerCase(Locale.ROOT)
                    .getBytes(StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder();
            long bits = 0;
            for (int i = 0; i < 4; i++) bits = (bits << 8) | (h[i] & 0xff); // 32 bits, 30 used
            for (int i = 0; i < 6; i++) out.append(BASE32.charAt((int) ((bits >> (27 - 5 * i)) & 31)));
            return out.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}

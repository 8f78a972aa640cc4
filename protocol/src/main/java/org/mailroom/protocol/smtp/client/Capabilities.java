package org.mailroom.protocol.smtp.client;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the server announced in its EHLO reply (RFC 5321 section 4.1.1.1): one keyword per line after the
 * first, with parameters. A HELO server (RFC 821) has none.
 */
public record Capabilities(boolean esmtp, Set<String> keywords, long maxSize) {

    public static final Capabilities HELO = new Capabilities(false, Set.of(), 0);

    static Capabilities fromEhlo(SmtpReply reply) {
        Set<String> keywords = new HashSet<>();
        long size = 0;
        List<String> lines = reply.lines();
        for (int i = 1; i < lines.size(); i++) {
            String[] words = lines.get(i).trim().split("\\s+");
            if (words[0].isEmpty()) continue;
            String keyword = words[0].toUpperCase(Locale.ROOT);
            keywords.add(keyword);
            if (keyword.equals("SIZE") && words.length > 1) {
                try {
                    size = Long.parseLong(words[1]);
                } catch (NumberFormatException ignored) {
                    // RFC 1870: a malformed limit is no limit we can use
                }
            }
        }
        return new Capabilities(true, Set.copyOf(keywords), size);
    }

    public boolean has(String keyword) {
        return keywords.contains(keyword);
    }

    public boolean pipelining() {
        return has("PIPELINING");
    }

    public boolean startTls() {
        return has("STARTTLS");
    }

    public boolean eightBitMime() {
        return has("8BITMIME");
    }

    public boolean smtpUtf8() {
        return has("SMTPUTF8");
    }

    public boolean dsn() {
        return has("DSN");
    }
}

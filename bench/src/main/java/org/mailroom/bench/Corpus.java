package org.mailroom.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The messages every server under test receives: the same bytes for the same seed, size and index, so a
 * comparison never depends on what one side happened to be sent.
 *
 * <p>Message {@code i} is a plain RFC 5322 message of exactly {@code size} octets (when {@code size} leaves
 * room for the header section): fixed headers naming the index and seed, then lines of 40 to 76 octets of
 * words drawn from a small vocabulary with a random generator seeded by {@code seed * 1_000_003 + i}. One
 * line in 40 starts with a dot, so the client's dot-stuffing and the server's unstuffing are exercised.
 * Every line ends in CRLF; no line is longer than 78 octets.
 */
public final class Corpus {

    private static final String[] WORDS = {
        "mail", "server", "queue", "message", "delivery", "mailbox", "the", "a", "of", "to", "and", "in", "for",
        "on", "with", "is", "report", "meeting", "tomorrow", "please", "find", "attached", "thanks", "regards",
        "project", "update", "status", "review", "draft", "budget", "invoice", "schedule", "team", "lunch",
        "coffee", "plan", "question", "answer", "notes", "agenda", "release", "version", "build", "test",
    };

    private final long seed;
    private final int size;

    /**
     * @param seed any number; the same seed gives the same messages
     * @param size octets per message, at least 400 (room for the headers)
     */
    public Corpus(long seed, int size) {
        if (size < 400) throw new IllegalArgumentException("message size must be at least 400 octets");
        this.seed = seed;
        this.size = size;
    }

    public int size() {
        return size;
    }

    /** Message number {@code index}, unstuffed, with CRLF line ends, exactly {@link #size()} octets. */
    public byte[] message(int index) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
        StringBuilder m = new StringBuilder(size + 80);
        m.append("From: Bench Sender <sender@client.test>\r\n");
        m.append("To: Bench Recipient <recipient@bench.test>\r\n");
        m.append("Subject: bench message ").append(index).append(" seed ").append(seed).append("\r\n");
        m.append("Date: Tue, 1 Dec 2026 10:00:00 +0000\r\n");
        m.append("Message-ID: <").append(index).append('.').append(seed).append("@client.test>\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: text/plain; charset=us-ascii\r\n");
        m.append("\r\n");
        int lineNumber = 0;
        while (m.length() < size) {
            int room = size - m.length();
            if (room <= 80) {
                // The last line fills the message exactly: filler then CRLF (a lone CRLF if room is 2).
                m.append("x".repeat(Math.max(0, room - 2))).append("\r\n");
                break;
            }
            int target = 40 + random.nextInt(37);
            StringBuilder line = new StringBuilder(80);
            if (++lineNumber % 40 == 0) line.append('.');
            while (line.length() < target) {
                if (line.length() > 0 && line.charAt(line.length() - 1) != '.') line.append(' ');
                line.append(WORDS[random.nextInt(WORDS.length)]);
            }
            m.append(line).append("\r\n");
        }
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The SMTP DATA form of a message: dot-stuffed (RFC 5321 section 4.5.2), without the final dot line. */
    public static byte[] dotStuffed(byte[] message) {
        int extra = 0;
        boolean lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') extra++;
            lineStart = b == '\n';
        }
        byte[] out = new byte[message.length + extra];
        int o = 0;
        lineStart = true;
        for (byte b : message) {
            if (lineStart && b == '.') out[o++] = '.';
            out[o++] = b;
            lineStart = b == '\n';
        }
        return out;
    }
}

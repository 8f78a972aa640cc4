package org.mailroom.core.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of the sample messages (fixed seeds, so a failure repeats): the parser must never throw,
 * must give the same result whatever the read sizes, and must write well-formed ENVELOPE, BODYSTRUCTURE and
 * BODY with consistent ranges, which survive the stored form.
 */
class MimeFuzzTest {

    private static final String[] TOKENS = {"\r\n", "\n", "--", "\r\n--", "--alt-1", "--outer\r\n", "--fwd--\r\n",
        "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n", "Content-Type: message/rfc822\r\n\r\n",
        "Content-Type: text/plain; charset*0*=utf-8''%C3; charset*1=a\r\n", ":", ";", "\"", "\\", "(", ")", "<", ">",
        "@", ",", "=?utf-8?B?", "?=", "=?x?Q?=FF?=", "\u00e9", "\t", " ", "\0", "\r", "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\n",
        "From: a:b@c;,<@r:x@y>\r\n"};

    @Test
    void mutatedMessagesNeverBreakTheParser() throws IOException {
        List<byte[]> samples = new ArrayList<>(Messages.all().values());
        Random random = new Random(20261201);
        int runs = 0;
        for (int round = 0; round < 150; round++) {
            for (byte[] sample : samples) {
                byte[] mutated = mutate(sample, random);
                check(mutated, random);
                runs++;
            }
        }
        assertThat(runs).isEqualTo(150 * samples.size());
    }

    @Test
    void randomBytesNeverBreakTheParser() throws IOException {
        Random random = new Random(7);
        for (int k = 0; k < 300; k++) {
            byte[] junk = new byte[random.nextInt(2000)];
            random.nextBytes(junk);
            check(junk, random);
        }
    }

    @Test
    void deepNestingIsBounded() throws IOException {
        StringBuilder m = new StringBuilder();
        for (int d = 0; d < 500; d++) m.append("Content-Type: multipart/mixed; boundary=b").append(d).append("\r\n\r\n--b").append(d).append("\r\n");
        m.append("\r\nleaf\r\n");
        MessageStructure s = check(m.toString().getBytes(StandardCharsets.US_ASCII), new Random(1));
        assertThat(s.bodyStructure()).contains("\"application\" \"octet-stream\"");
        StringBuilder messages = new StringBuilder();
        for (int d = 0; d < 500; d++) messages.append("Content-Type: message/rfc822\r\n\r\n");
        check(messages.toString().getBytes(StandardCharsets.US_ASCII), new Random(2));
    }

    private static byte[] mutate(byte[] in, Random r) {
        byte[] b = in;
        int steps = 1 + r.nextInt(4);
        for (int s = 0; s < steps; s++) {
            if (b.length == 0) return b;
            int at = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0:
                    b = b.clone();
                    b[at] = (byte) r.nextInt(256);
                    break;
                case 1:
                    b = insert(b, at, TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                    break;
                case 2: {
                    int len = Math.min(b.length - at, r.nextInt(40));
                    byte[] out = new byte[b.length - len];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + len, out, at, b.length - at - len);
                    b = out;
                    break;
                }
                case 3: {
                    int len = Math.min(b.length - at, r.nextInt(200));
                    b = insert(b, r.nextInt(b.length), Arrays.copyOfRange(b, at, at + len));
                    break;
                }
                case 4:
                    b = Arrays.copyOf(b, at);
                    break;
                default:
                    b = new String(b, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        return b;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + what.length);
        out.write(b, 0, at);
        out.write(what, 0, what.length);
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }

    private static MessageStructure check(byte[] message, Random r) throws IOException {
        MessageStructure whole = MessageStructure.parse(message);
        MessageStructure chunked = MessageStructure.parse(new ChunkedStream(message, r));
        String context = new String(message, StandardCharsets.ISO_8859_1);
        assertThat(chunked.bodyStructure()).as(context).isEqualTo(whole.bodyStructure());
        assertThat(chunked.envelope()).as(context).isEqualTo(whole.envelope());
        assertThat(whole.size()).as(context).isEqualTo(message.length);

        try {
            ImapSyntax.checkEnvelope(ImapSyntax.read(whole.envelope()));
            ImapSyntax.checkBody(ImapSyntax.read(whole.bodyStructure()), true);
            ImapSyntax.checkBody(ImapSyntax.read(whole.body()), false);
        } catch (RuntimeException e) {
            throw new AssertionError("malformed output for " + context + "\n" + whole.bodyStructure(), e);
        }
        checkRanges(whole.root(), 0, message.length, context);

        MessageStructure back = MessageStructure.fromBytes(whole.toBytes());
        assertThat(back.bodyStructure()).as(context).isEqualTo(whole.bodyStructure());
        assertThat(back.headers()).as(context).isEqualTo(whole.headers());
        for (String section : new String[] {"1", "1.1", "2.MIME", "1.2.3", "TEXT", "2.HEADER.FIELDS (From)"}) {
            whole.locate(section).ifPresent(loc -> {
                assertThat(loc.offset() + loc.length()).as(context).isLessThanOrEqualTo(message.length);
                loc.extract(Arrays.copyOfRange(message, (int) loc.offset(), (int) (loc.offset() + loc.length())));
            });
        }
        return whole;
    }

    /** Every entity: header then body, inside its parent's body; children in order. */
    private static void checkRanges(MimePart p, long from, long to, String context) {
        assertThat(p.headerOffset()).as(context).isBetween(from, to);
        assertThat(p.bodyOffset()).as(context).isEqualTo(p.headerOffset() + p.headerLength());
        assertThat(p.bodyOffset() + p.bodyLength()).as(context).isBetween(p.bodyOffset(), to);
        assertThat(p.lines()).as(context).isBetween(0L, p.bodyLength());
        long last = p.bodyOffset();
        for (MimePart c : p.children()) {
            checkRanges(c, last, p.bodyOffset() + p.bodyLength(), context);
            last = c.bodyOffset() + c.bodyLength();
        }
        if (p.message() != null) {
            assertThat(p.message().headerOffset()).as(context).isEqualTo(p.bodyOffset());
            checkRanges(p.message(), p.bodyOffset(), p.bodyOffset() + p.bodyLength(), context);
        }
    }

    /** Hands out the bytes in reads of random small sizes, as a socket or a file channel may. */
    private static final class ChunkedStream extends InputStream {
        private final byte[] data;
        private final Random random;
        private int pos;

        ChunkedStream(byte[] data, Random random) {
            this.data = data;
            this.random = random;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) return -1;
            int n = Math.min(Math.min(len, 1 + random.nextInt(37)), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}

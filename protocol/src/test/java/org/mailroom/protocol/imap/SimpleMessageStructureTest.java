package org.mailroom.protocol.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MessageRecord;

class SimpleMessageStructureTest {

    private static final String FORWARD = "From: \"Doe, Jane\" <jane@example.test>\r\n"
            + "To: undisclosed-recipients:;\r\n"
            + "Subject: fwd\r\n"
            + "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
            + "\r\n"
            + "--outer\r\n"
            + "\r\n"
            + "see below\r\n"
            + "--outer\r\n"
            + "Content-Type: message/rfc822\r\n"
            + "\r\n"
            + "From: old@example.test\r\n"
            + "Subject: original\r\n"
            + "\r\n"
            + "old text\r\n"
            + "--outer--\r\n";

    private static SimpleMessageStructure over(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        BlobStore blobs = new BlobStore() {
            @Override
            public BlobWriter create() {
                throw new UnsupportedOperationException();
            }

            @Override
            public InputStream open(String id) {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size(String id) {
                return bytes.length;
            }

            @Override
            public void delete(String id) {
            }
        };
        return new SimpleMessageStructure(blobs);
    }

    private static MessageRecord record(String blobId) {
        return new MessageRecord(1, 1, blobId, 0, Instant.EPOCH, Set.of(), 1);
    }

    private static String slice(String message, long from, long to) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        return new String(b, (int) from, (int) (to - from), StandardCharsets.UTF_8);
    }

    @Test
    void encapsulatedMessageHasItsOwnEnvelopeStructureAndSections() throws Exception {
        SimpleMessageStructure s = over(FORWARD);
        MessageRecord m = record("fwd");
        assertThat(s.envelope(m)).isEqualTo("(NIL \"fwd\" ((\"Doe, Jane\" NIL \"jane\" \"example.test\"))"
                + " ((\"Doe, Jane\" NIL \"jane\" \"example.test\")) ((\"Doe, Jane\" NIL \"jane\" \"example.test\"))"
                + " ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL)");
        assertThat(s.bodyStructure(m, false)).isEqualTo("((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL"
                + " \"7BIT\" 9 1)(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 53 (NIL \"original\" ((NIL NIL \"old\""
                + " \"example.test\")) ((NIL NIL \"old\" \"example.test\")) ((NIL NIL \"old\" \"example.test\")) NIL"
                + " NIL NIL NIL NIL) (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 8 1) 4) \"MIXED\")");

        MessageStructureSource.Section two = s.locate(m, "2").orElseThrow();
        assertThat(slice(FORWARD, two.bodyStart(), two.messageBodyStart()))
                .isEqualTo("From: old@example.test\r\nSubject: original\r\n\r\n");
        assertThat(slice(FORWARD, two.messageBodyStart(), two.end())).isEqualTo("old text");
        assertThat(slice(FORWARD, two.start(), two.bodyStart())).isEqualTo("Content-Type: message/rfc822\r\n\r\n");
        MessageStructureSource.Section inner = s.locate(m, "2.1").orElseThrow();
        assertThat(slice(FORWARD, inner.bodyStart(), inner.end())).isEqualTo("old text");
        assertThat(s.locate(m, "1").map(x -> slice(FORWARD, x.bodyStart(), x.end()))).contains("see below");
        assertThat(s.locate(m, "3")).isEmpty();
        assertThat(s.locate(m, "1.1")).isEmpty();
        assertThat(s.locate(m, "x")).isEmpty();
    }

    @Test
    void singlePartMessageIsItsOwnPartOne() throws Exception {
        String text = "Subject: plain\r\nFrom: postmaster\r\n\r\nbody\r\nline two";
        SimpleMessageStructure s = over(text);
        MessageRecord m = record("plain");
        assertThat(s.envelope(m)).contains("((NIL NIL \"postmaster\" NIL))");
        assertThat(s.bodyStructure(m, true))
                .isEqualTo("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 14 2 NIL NIL NIL NIL)");
        MessageStructureSource.Section whole = s.locate(m, "").orElseThrow();
        assertThat(slice(text, 0, whole.messageBodyStart())).isEqualTo("Subject: plain\r\nFrom: postmaster\r\n\r\n");
        assertThat(s.locate(m, "1").map(x -> slice(text, x.bodyStart(), x.end()))).contains("body\r\nline two");
        assertThat(s.locate(m, "2")).isEmpty();
    }

    @Test
    void transferDecoding() {
        assertThat(TransferDecoding.decode("Z3LDvMOfZQ==\r\n".getBytes(StandardCharsets.US_ASCII), "BASE64"))
                .isEqualTo("grüße".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(TransferDecoding.decode("a=3Db=\r\nc =\n".getBytes(StandardCharsets.US_ASCII),
                "quoted-printable"), StandardCharsets.US_ASCII)).isEqualTo("a=bc ");
        assertThat(TransferDecoding.decode(new byte[] {1, 2}, null)).containsExactly(1, 2);
        assertThat(TransferDecoding.decode(new byte[] {1}, "x-uuencode")).isNull();
    }
}

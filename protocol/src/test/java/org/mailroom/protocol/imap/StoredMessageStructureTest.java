package org.mailroom.protocol.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailroom.core.mime.Section;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.protocol.pop3.InMemoryBlobStore;
import org.mailroom.protocol.pop3.InMemoryMailStore;

/** What FETCH gets from the stored structure, and how little of the message file it reads to get it. */
class StoredMessageStructureTest {

    private static final String MESSAGE = "From: \"Bob B.\" <bob@example.test>\r\nTo: alice@example.test\r\n"
            + "Subject: =?UTF-8?Q?r=C3=A9sum=C3=A9?=\r\nDate: Tue, 3 Mar 2026 23:30:00 -0500\r\n"
            + "Content-Type: multipart/mixed; boundary=XX\r\n\r\npreamble\r\n"
            + "--XX\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "caf=C3=A9 ol=\r\né\r\n"
            + "--XX\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "AAECAwQFBgcICQ==\r\n"
            + "--XX\r\nContent-Type: application/x-odd\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin\r\n"
            + "--XX--\r\n";

    /** Counts what is opened and read through it. */
    static final class CountingBlobStore implements BlobStore {
        final BlobStore inner;
        final AtomicLong opens = new AtomicLong();
        final AtomicLong octetsRead = new AtomicLong();

        CountingBlobStore(BlobStore inner) {
            this.inner = inner;
        }

        @Override
        public BlobWriter create() throws IOException {
            return inner.create();
        }

        @Override
        public InputStream open(String id) throws IOException {
            opens.incrementAndGet();
            return new FilterInputStream(inner.open(id)) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    if (b >= 0) octetsRead.incrementAndGet();
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) octetsRead.addAndGet(n);
                    return n;
                }
            };
        }

        @Override
        public long size(String id) throws IOException {
            return inner.size(id);
        }

        @Override
        public void delete(String id) throws IOException {
            inner.delete(id);
        }
    }

    private CountingBlobStore blobs;
    private StoredMessageStructure source;
    private MessageRecord message;

    @BeforeEach
    void deliver() throws IOException {
        InMemoryBlobStore memory = new InMemoryBlobStore();
        InMemoryMailStore store = new InMemoryMailStore(memory);
        store.deliverText("alice@example.test", MESSAGE);
        message = store.messages(store.mailbox("alice@example.test", "INBOX").orElseThrow().id()).get(0);
        blobs = new CountingBlobStore(memory);
        source = new StoredMessageStructure(store, blobs);
    }

    private String section(String section, long partialStart, long partialLength) throws IOException {
        return new String(source.section(message, Section.parse(section), partialStart, partialLength),
                StandardCharsets.UTF_8);
    }

    @Test
    void envelopeBodystructureAndHeadersOpenNoBlob() throws IOException {
        assertThat(source.structure(message).envelope())
                .startsWith("(\"Tue, 3 Mar 2026 23:30:00 -0500\" \"=?UTF-8?Q?r=C3=A9sum=C3=A9?=\" ((\"Bob B.\" NIL \"bob\"");
        assertThat(source.structure(message).bodyStructure()).startsWith("((\"text\" \"plain\" (\"charset\" \"utf-8\")")
                .contains("\"mixed\" (\"boundary\" \"XX\")");
        assertThat(source.structure(message).body()).doesNotContain("boundary");
        assertThat(source.structure(message).headers().subject()).isEqualTo("résumé");

        assertThat(blobs.opens.get()).isZero();
    }

    @Test
    void sectionsReadOnlyTheirRange() throws IOException {
        assertThat(section("1", -1, -1)).isEqualTo("caf=C3=A9 ol=\r\né");
        assertThat(section("2.MIME", -1, -1))
                .isEqualTo("Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        assertThat(blobs.octetsRead.get()).isEqualTo("caf=C3=A9 ol=\r\né".getBytes(StandardCharsets.UTF_8).length
                + "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n".length());

        blobs.octetsRead.set(0);
        assertThat(section("2", 4, 6)).isEqualTo("AwQFBg");
        assertThat(blobs.octetsRead.get()).isEqualTo(6);
    }

    @Test
    void headerFieldsAreFilteredBeforeThePartial() throws IOException {
        assertThat(section("HEADER.FIELDS (subject to)", -1, -1))
                .isEqualTo("To: alice@example.test\r\nSubject: =?UTF-8?Q?r=C3=A9sum=C3=A9?=\r\n\r\n");
        assertThat(section("HEADER.FIELDS (subject to)", 4, 5)).isEqualTo("alice");
        assertThat(section("HEADER.FIELDS.NOT (from to subject date content-type)", -1, -1)).isEqualTo("\r\n");
    }

    @Test
    void missingPartsAreEmptyAndReadNothing() throws IOException {
        assertThat(section("9", -1, -1)).isEmpty();
        assertThat(section("1.TEXT", -1, -1)).isEmpty();
        assertThat(section("1", 100, 10)).isEmpty();
        assertThat(blobs.opens.get()).isZero();
    }

    @Test
    void binaryUndoesTheTransferEncodingOfThePart() throws Exception {
        assertThat(new String(source.binary(message, List.of(1)), StandardCharsets.UTF_8)).isEqualTo("café olé");
        assertThat(source.binary(message, List.of(2))).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(source.binary(message, List.of())).hasSize(MESSAGE.getBytes(StandardCharsets.UTF_8).length);
        assertThat(source.binary(message, List.of(7))).isEmpty();
        assertThatThrownBy(() -> source.binary(message, List.of(3)))
                .isInstanceOf(MessageStructureSource.UnknownEncodingException.class).hasMessage("x-uuencode");
    }
}

package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two sessions on one mailbox: one stores flags and expunges while the other IDLEs and fetches. The watcher must
 * learn every change at an allowed moment (RFC 9051 section 7.5.1: no EXPUNGE during FETCH, STORE or SEARCH) and
 * its sequence numbers must match the server's at every step.
 */
class ImapConcurrencyTest {

    @TempDir
    Path data;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(data);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A minimal line client: commands with tags, replies collected up to the tagged line. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;
        int tag;

        Client(InetSocketAddress address) throws IOException {
            socket = new Socket(address.getAddress(), address.getPort());
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("* OK");
        }

        void write(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Sends a command and returns the untagged lines; the tagged reply must be OK. */
        List<String> run(String command) throws IOException {
            String t = "t" + (++tag);
            write(t + " " + command);
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith(t + " ")) {
                    assertThat(line).as(command).startsWith(t + " OK");
                    return lines;
                }
                lines.add(line);
            }
            throw new IOException("connection closed during " + command);
        }

        String readLine() throws IOException {
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void changesReachTheOtherSessionAtAllowedMomentsWithConsistentNumbers() throws Exception {
        try (Client a = new Client(server.imap()); Client b = new Client(server.imap())) {
            a.run("LOGIN alice@example.test secret");
            b.run("LOGIN alice@example.test secret");
            // IMAP4rev2: no \Recent, which one of two IMAP4rev1 sessions would see on the message B appends during
            // A's IDLE, depending on which claims it first (ImapRecentTest covers \Recent).
            a.run("ENABLE IMAP4rev2");
            b.run("ENABLE IMAP4rev2");
            for (int i = 1; i <= 4; i++) {
                b.run("APPEND INBOX {" + ("Subject: m" + i + "\r\n\r\nx\r\n").length() + "+}\r\nSubject: m" + i
                        + "\r\n\r\nx\r\n");
            }
            assertThat(a.run("SELECT INBOX")).contains("* 4 EXISTS");
            assertThat(b.run("SELECT INBOX")).contains("* 4 EXISTS");

            // B expunges message 2 (UID 2). A is in the middle of its own work: FETCH must not carry the EXPUNGE.
            b.run("STORE 2 +FLAGS.SILENT (\\Deleted)");
            assertThat(b.run("EXPUNGE")).containsExactly("* 2 EXPUNGE");
            List<String> duringFetch = a.run("FETCH 1:4 (UID)");
            assertThat(duringFetch).noneMatch(l -> l.contains("EXPUNGE"));
            // Sequence numbers are still A's old ones: message 3 is still UID 3, message 2 (gone) is not shown.
            assertThat(duringFetch).contains("* 1 FETCH (UID 1)", "* 3 FETCH (UID 3)", "* 4 FETCH (UID 4)");
            assertThat(a.run("SEARCH ALL")).noneMatch(l -> l.contains("EXPUNGE"));
            // NOOP is an allowed moment: now A learns of the expunge, and its numbers move down.
            assertThat(a.run("NOOP")).containsExactly("* 2 EXPUNGE");
            assertThat(a.run("FETCH 2 (UID)")).containsExactly("* 2 FETCH (UID 3)");

            // A IDLEs; B changes flags, expunges and appends: A hears each within a second, in B's numbering.
            a.write("i1 IDLE");
            assertThat(a.readLine()).isEqualTo("+ idling");
            a.socket.setSoTimeout(1_000);
            b.run("STORE 1 +FLAGS (\\Flagged)");
            assertThat(a.readLine()).isEqualTo("* 1 FETCH (FLAGS (\\Flagged) UID 1)");
            b.run("STORE 3 +FLAGS.SILENT (\\Deleted)");
            assertThat(a.readLine()).isEqualTo("* 3 FETCH (FLAGS (\\Deleted) UID 4)");
            b.run("EXPUNGE");
            assertThat(a.readLine()).isEqualTo("* 3 EXPUNGE");
            b.run("APPEND INBOX {13+}\r\nSubject: m5\r\n");
            assertThat(a.readLine()).isEqualTo("* 3 EXISTS");
            a.socket.setSoTimeout(10_000);
            a.write("DONE");
            assertThat(a.readLine()).isEqualTo("i1 OK IDLE terminated");

            // Both sides agree on every number.
            assertThat(a.run("FETCH 1:* (UID FLAGS)")).containsExactly(
                    "* 1 FETCH (UID 1 FLAGS (\\Flagged))", "* 2 FETCH (UID 3 FLAGS ())", "* 3 FETCH (UID 5 FLAGS ())");
            assertThat(b.run("FETCH 1:* (UID FLAGS)")).containsExactly(
                    "* 1 FETCH (UID 1 FLAGS (\\Flagged))", "* 2 FETCH (UID 3 FLAGS ())", "* 3 FETCH (UID 5 FLAGS ())");
            a.run("LOGOUT");
            b.run("LOGOUT");
        }
    }

    /**
     * A session skips reading back its own flag changes (its STORE took the next MODSEQ, so nothing came in
     * between); a change by another session in between is still read and told, before and after our own.
     */
    @Test
    void ownFlagChangesAreNotReadBackButOthersInBetweenAre() throws Exception {
        try (Client a = new Client(server.imap()); Client b = new Client(server.imap())) {
            a.run("LOGIN alice@example.test secret");
            b.run("LOGIN alice@example.test secret");
            a.run("ENABLE IMAP4rev2"); // no \Recent in the flags compared below
            b.run("ENABLE IMAP4rev2");
            for (int i = 1; i <= 3; i++) {
                b.run("APPEND INBOX {" + ("Subject: m" + i + "\r\n\r\nx\r\n").length() + "+}\r\nSubject: m" + i
                        + "\r\n\r\nx\r\n");
            }
            a.run("SELECT INBOX");
            b.run("SELECT INBOX");

            assertThat(a.run("STORE 1 +FLAGS (\\Flagged)")).containsExactly("* 1 FETCH (FLAGS (\\Flagged) UID 1)");
            assertThat(a.run("NOOP")).isEmpty();
            // B changes message 2, then A changes message 3: A's STORE still tells B's change, once.
            b.run("STORE 2 +FLAGS.SILENT (\\Seen)");
            assertThat(a.run("STORE 3 +FLAGS (\\Flagged)")).containsExactly(
                    "* 3 FETCH (FLAGS (\\Flagged) UID 3)", "* 2 FETCH (FLAGS (\\Seen) UID 2)");
            assertThat(a.run("NOOP")).isEmpty();
            // A changes first, B right after: B's change is told too.
            a.run("STORE 1 -FLAGS.SILENT (\\Flagged)");
            b.run("STORE 3 -FLAGS.SILENT (\\Flagged)");
            assertThat(a.run("NOOP")).containsExactly("* 3 FETCH (FLAGS () UID 3)");
            assertThat(a.run("FETCH 1:* (UID FLAGS)")).containsExactly(
                    "* 1 FETCH (UID 1 FLAGS ())", "* 2 FETCH (UID 2 FLAGS (\\Seen))", "* 3 FETCH (UID 3 FLAGS ())");
        }
    }

    /**
     * A FETCH far larger than the socket buffers, read by a client that is slower than the server: the session
     * waits for the socket (backpressure) and everything arrives, in order, followed by the next command's reply.
     */
    @Test
    void largeFetchToASlowReaderCompletes() throws Exception {
        org.mailroom.core.store.MailStore store = server.server.storage().mailStore();
        String body = "0123456789abcdef".repeat(16 * 1024) + "\r\n"; // 256 KiB
        for (int i = 1; i <= 20; i++) {
            byte[] bytes = ("Subject: big " + i + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
            String blob;
            try (var writer = server.server.storage().blobStore().create()) {
                writer.write(bytes);
                blob = writer.commit();
            }
            store.deliver(new org.mailroom.core.store.MailStore.NewMessage(blob, bytes.length, java.time.Instant.now()),
                    List.of(org.mailroom.core.store.MailStore.Target.inbox("alice@example.test")));
        }
        try (Client a = new Client(server.imap())) {
            a.run("LOGIN alice@example.test secret");
            a.run("SELECT INBOX");
            a.write("f1 FETCH 1:* (BODY.PEEK[TEXT])");
            a.write("f2 NOOP");
            int bodies = 0;
            String line;
            while (!(line = a.readLine()).startsWith("f1 ")) {
                if (line.startsWith("* ")) assertThat(line).endsWith("FETCH (BODY[TEXT] {" + body.length() + "}");
                else if (line.equals(body.trim())) bodies++;
            }
            assertThat(line).startsWith("f1 OK");
            assertThat(bodies).isEqualTo(20);
            assertThat(a.readLine()).isEqualTo("f2 OK NOOP completed");
        }
    }

    /** Drafts, Sent, Trash, Junk and Archive are made at the first login; what the user deletes stays deleted. */
    @Test
    void specialUseMailboxesAreMadeAtTheFirstLoginOnly() throws Exception {
        try (Client a = new Client(server.imap())) {
            a.run("LOGIN bob@example.test secret");
            assertThat(a.run("LIST \"\" *")).hasSize(6).contains("* LIST (\\HasNoChildren \\Junk) \"/\" \"Junk\"");
            a.run("DELETE Junk");
            a.run("LOGOUT");
        }
        try (Client b = new Client(server.imap())) {
            b.run("LOGIN bob@example.test secret");
            assertThat(b.run("LIST \"\" *")).hasSize(5).noneMatch(l -> l.contains("Junk"));
            b.run("LOGOUT");
        }
    }
}

package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.server.ImapConcurrencyTest.Client;

/**
 * QRESYNC (RFC 7162 section 3.2): a client that was away learns what vanished and what changed since its MODSEQ
 * from the persistent expunge record, at SELECT and with UID FETCH (CHANGEDSINCE n VANISHED); sessions with
 * QRESYNC on get VANISHED instead of EXPUNGE.
 */
class ImapQresyncTest {

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

    private static String code(List<String> lines, String name) {
        for (String l : lines) {
            int at = l.indexOf("[" + name + " ");
            if (at >= 0) return l.substring(at + name.length() + 2, l.indexOf(']', at));
        }
        throw new AssertionError(name + " not in " + lines);
    }

    @Test
    void selectAndFetchReportWhatVanishedAndChanged() throws Exception {
        try (Client a = new Client(server.imap()); Client b = new Client(server.imap())) {
            a.run("LOGIN alice@example.test secret");
            b.run("LOGIN alice@example.test secret");
            for (int i = 1; i <= 5; i++) b.run("APPEND INBOX {13+}\r\nSubject: m" + i + "\r\n");
            assertThat(a.run("ENABLE QRESYNC")).containsExactly("* ENABLED QRESYNC");
            List<String> selected = a.run("SELECT INBOX");
            String uidValidity = code(selected, "UIDVALIDITY");
            String modSeq = code(selected, "HIGHESTMODSEQ");
            a.run("UNSELECT");

            // While A is away, B expunges 2 and 4 and flags 3.
            b.run("SELECT INBOX");
            b.run("STORE 2,4 +FLAGS.SILENT (\\Deleted)");
            b.run("EXPUNGE");
            b.run("STORE 2 +FLAGS.SILENT (\\Flagged)");

            List<String> resync = a.run("SELECT INBOX (QRESYNC (" + uidValidity + " " + modSeq + " 1:5))");
            assertThat(resync).contains("* 3 EXISTS", "* VANISHED (EARLIER) 2,4");
            assertThat(resync).anyMatch(l -> l.matches("\\* 2 FETCH \\(FLAGS \\(\\\\Flagged\\) UID 3 MODSEQ \\(\\d+\\)\\)"));
            assertThat(resync).noneMatch(l -> l.contains("UID 1 ") || l.contains("UID 5 "));

            // A stale UIDVALIDITY gets a plain SELECT.
            List<String> stale = a.run("SELECT INBOX (QRESYNC (1 " + modSeq + "))");
            assertThat(stale).contains("* OK [CLOSED] Previous mailbox closed").noneMatch(l -> l.contains("VANISHED"));

            assertThat(a.run("UID FETCH 1:* (FLAGS) (CHANGEDSINCE " + modSeq + " VANISHED)"))
                    .contains("* VANISHED (EARLIER) 2,4")
                    .anyMatch(l -> l.startsWith("* 2 FETCH (UID 3 FLAGS (\\Flagged) MODSEQ ("))
                    .hasSize(2);

            // Live: B expunges 5 (A's message 3); A, with QRESYNC on, hears VANISHED.
            b.run("STORE 3 +FLAGS.SILENT (\\Deleted)");
            b.run("EXPUNGE");
            assertThat(a.run("NOOP")).containsExactly("* VANISHED 5");
            assertThat(a.run("FETCH 1:* (UID)")).containsExactly("* 1 FETCH (UID 1)", "* 2 FETCH (UID 3)");
        }
    }

    /**
     * With two expunge records kept per mailbox (store.expunged_kept), a client that comes back with an older
     * MODSEQ gets every UID it may know that is gone (RFC 7162 section 3.2.5.2), narrowed by its known UIDs and
     * sequence match data; a session that slept through the pruning still hears every EXPUNGE. python3's imaplib.
     */
    @Test
    void aClientOlderThanTheKeptRecordsIsResynchronizedInFull() throws Exception {
        server.close();
        server = TestServer.start(data, java.util.Map.of("store.expunged_kept", "2"));
        Path script = Path.of(ImapQresyncTest.class.getResource("/interop/imap_qresync_pruned.py").toURI());
        String out = Programs.run(null, List.of("python3", script.toString(), "127.0.0.1",
                String.valueOf(server.imap().getPort()), "alice@example.test", TestServer.PASSWORD));
        assertThat(out).contains("ok: resync without known UIDs: every gone UID up to UIDNEXT-1",
                "ok: sleeper hears three EXPUNGEs", "python imap qresync pruned: done").doesNotContain("FAIL");
    }
}

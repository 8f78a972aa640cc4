package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Mailbox;

/** The two abuse batteries of a public MTA, as tables run against a real server: smuggling and relaying. */
class SmtpSmugglingAndRelayTest {

    @TempDir
    static Path data;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(data);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int messages(String account) throws IOException {
        MailStore store = server.server.storage().mailStore();
        return store.mailbox(account, "INBOX").map(Mailbox::messages).orElse(0);
    }

    /**
     * CVE-2023-51764 and relatives: after a body line, one of these sequences, then a second transaction in the
     * same packet. A server that takes the sequence for the end of data delivers the smuggled second message.
     */
    @Test
    void noSmugglingSequenceProducesASecondMessage() throws Exception {
        String[] sequences = {"\n.\n", "\n.\r", "\r.\n", "\r.\r", "\n.\r\n", "\r.\r\n", "\r\n.\n", "\r\n.\r",
                              "\r\n\0.\r\n", "\r\n.\0\r\n", "\r\n.\r\r\n", "\r\r\n.\r\r\n"};
        int tried = 0;
        for (String seq : sequences) {
            for (boolean lower : new boolean[] {false, true}) {
                String mail = lower ? "mail from:<evil@elsewhere.test>\r\nrcpt to:<bob@example.test>\r\ndata\r\n"
                                    : "MAIL FROM:<evil@elsewhere.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n";
                int bobBefore = messages("bob@example.test");
                try (Socket s = new Socket("127.0.0.1", server.smtp().getPort())) {
                    s.setSoTimeout(10_000);
                    OutputStream out = s.getOutputStream();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    assertThat(in.readLine()).startsWith("220");
                    out.write("EHLO smuggler.test\r\n".getBytes(StandardCharsets.US_ASCII));
                    while (!in.readLine().startsWith("250 ")) { /* EHLO lines */ }
                    out.write("MAIL FROM:<a@elsewhere.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertThat(in.readLine()).startsWith("250");
                    assertThat(in.readLine()).startsWith("250");
                    assertThat(in.readLine()).startsWith("354");
                    String packet = "Subject: smuggle\r\n\r\nbody" + seq + mail + "Subject: smuggled\r\n\r\nevil\r\n.\r\nQUIT\r\n";
                    out.write(packet.getBytes(StandardCharsets.ISO_8859_1));
                    List<String> replies = new ArrayList<>();
                    String line;
                    while ((line = in.readLine()) != null) replies.add(line);
                    // Exactly one answer to the data (refused for bare line endings, or the whole packet as one
                    // message), then QUIT's: never the 250s of a second transaction.
                    assertThat(replies).as("sequence %s", escape(seq)).hasSize(2);
                    assertThat(replies.get(0)).matches("(554 5\\.5\\.2|250 2\\.0\\.0 Ok).*");
                    assertThat(replies.get(1)).startsWith("221");
                }
                assertThat(messages("bob@example.test")).as("no smuggled message for %s", escape(seq)).isEqualTo(bobBefore);
                tried++;
            }
        }
        System.out.println("smuggling matrix: " + tried + " cases tried, none produced a second message");
        assertThat(tried).isEqualTo(24);
    }

    private static String escape(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }

    /** Recipient forms that have fooled open relays, with the only acceptable answer for each. */
    @Test
    void relayBatteryIsRefusedOrDeliveredLocally() throws Exception {
        String[][] cases = {
            {"<v@ext.test>", "550 5.7.1"},
            {"<v%ext.test@example.test>", "550 5.1.1"},
            {"<\"v@ext.test\">", "501 5.1.3"},
            {"<\"v@ext.test\"@example.test>", "550 5.1.1"},
            {"<v@ext.test@example.test>", "501 5.1.3"},
            {"<@example.test:v@ext.test>", "550 5.7.1"},
            {"<ext.test!v@example.test>", "550 5.1.1"},
            {"<v%ext.test>", "501 5.1.3"},
            {"<v@ext.test.>", "501 5.1.3"},
            {"<v@[192.0.2.1]>", "550 5.7.1"},
            {"<v\\@ext.test@example.test>", "501 5.1.3"},
            {"<@ext.test,@other.test:alice@example.test>", "250 2.1.5"},
            {"<alice@[127.0.0.1]>", "250 2.1.5"},
            {"<Postmaster>", "250 2.1.5"},
            {"<ALICE@EXAMPLE.TEST>", "250 2.1.5"},
        };
        int tried = 0;
        try (Socket s = new Socket("127.0.0.1", server.smtp().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            in.readLine();
            out.write("EHLO relay.test\r\n".getBytes(StandardCharsets.US_ASCII));
            while (!in.readLine().startsWith("250 ")) { /* EHLO lines */ }
            out.write("MAIL FROM:<a@elsewhere.test>\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("250");
            for (String[] c : cases) {
                out.write(("RCPT TO:" + c[0] + "\r\n").getBytes(StandardCharsets.UTF_8));
                assertThat(in.readLine()).as("RCPT TO:%s", c[0]).startsWith(c[1]);
                tried++;
            }
        }
        System.out.println("relay battery: " + tried + " recipient forms tried, none relayed");
        assertThat(tried).isEqualTo(cases.length);
    }
}

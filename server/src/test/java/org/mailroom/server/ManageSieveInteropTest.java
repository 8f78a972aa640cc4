package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.SieveScripts;

/**
 * ManageSieve (RFC 5804) with real clients against the real server and the real Sieve compiler: Debian's
 * sieve-connect (Perl) and python3-sievelib each do the whole cycle over STARTTLS with AUTHENTICATE PLAIN (the
 * server refuses PLAIN without TLS here, so the cycle proves STARTTLS worked); a script with a syntax error is
 * refused with its line; the size and count limits answer with their response codes; failed logins count in the
 * login guard shared with IMAP.
 */
class ManageSieveInteropTest {

    static final String ALICE = "alice@example.test";

    @TempDir
    Path dataDir;
    @TempDir
    Path files;

    private TestServer server;

    /** Debian's sieve-connect and python3-sievelib; under CI their absence fails (.ci/run installs them). */
    @BeforeAll
    static void requireClients() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/sieve-connect"))
                && Files.isRegularFile(Path.of("/usr/lib/python3/dist-packages/sievelib/managesieve.py"));
        if (!present && System.getenv("CI") == null) {
            org.junit.jupiter.api.Assumptions.abort("apt-get install sieve-connect python3-sievelib");
        }
        assertThat(present).as("/usr/bin/sieve-connect and python3-sievelib (apt-get install sieve-connect python3-sievelib)")
                .isTrue();
    }

    @AfterEach
    void stop() {
        if (server != null) server.server.close();
    }

    private TestServer start(Map<String, String> extra) throws Exception {
        java.util.HashMap<String, String> settings = new java.util.HashMap<>(Map.of(
                "tls.plaintext_auth_from_loopback", "false",
                "sieve.max_scripts", "3",
                "sieve.max_script_size", "1000"));
        settings.putAll(extra);
        server = TestServer.start(dataDir, settings);
        return server;
    }

    private List<String> sieveConnect(String... action) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/sieve-connect", "--nosrv", "-s", "127.0.0.1",
                "-p", String.valueOf(server.managesieve().getPort()), "-u", ALICE, "--passwordfd", "0",
                "--notlsverify", "--noclearchan", "--authmech", "PLAIN"));
        command.addAll(List.of(action));
        return command;
    }

    @Test
    void sieveConnectUploadsListsActivatesDownloadsAndDeletes() throws Exception {
        start(Map.of());
        String away = "require \"vacation\";\nvacation :days 7 :subject \"Away\" \"I am away until Monday.\";\n";
        String work = "require [\"fileinto\", \"mailbox\"];\nif header :contains \"subject\" \"report\" {\n"
                + "  fileinto :create \"Reports\";\n}\n";
        Files.writeString(files.resolve("away.sieve"), away);
        Files.writeString(files.resolve("work.sieve"), work);
        Path commands = Files.writeString(files.resolve("commands"), String.join("\n",
                "put " + files.resolve("away.sieve") + " away",
                "put " + files.resolve("work.sieve") + " work",
                "activate away",
                "list",
                "get away " + files.resolve("back.sieve"),
                "activate work",
                "delete away",
                "list") + "\n");
        String out = Programs.run(TestServer.PASSWORD + "\n", sieveConnect("-e", commands.toString()));

        SieveScripts scripts = server.server.storage().sieveScripts();
        assertThat(scripts.list(ALICE)).extracting(SieveScripts.Script::name).as(out).containsExactly("work");
        assertThat(scripts.active(ALICE).orElseThrow().text()).isEqualTo(work);
        assertThat(Files.readString(files.resolve("back.sieve"))).isEqualTo(away);
        assertThat(out).contains("\"away\" ACTIVE", "\"work\" ACTIVE"); // the two lists, before and after

        // The script activated by sieve-connect files the next report (python's smtplib sends it over port 25).
        Programs.run("", "/usr/bin/python3", "-c", "import smtplib,sys\n"
                + "s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.ehlo('client.test')\n"
                + "s.sendmail('bob@elsewhere.test', ['" + ALICE + "'], 'From: bob@elsewhere.test\\r\\n"
                + "Subject: monthly report\\r\\n\\r\\nfigures\\r\\n'); s.quit()",
                String.valueOf(server.smtp().getPort()));
        org.mailroom.core.store.MailStore store = server.server.storage().mailStore();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                store.mailbox(ALICE, "Reports").map(m -> {
                    try {
                        return store.messages(m.id()).size() == 1;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }).orElse(false));

        // A script that does not compile: refused with its line, and not stored.
        Files.writeString(files.resolve("bad.sieve"), "keep;\nfileinto \"Nowhere\";\n");
        Programs.Result bad = Programs.result(TestServer.PASSWORD + "\n", sieveConnect("--upload",
                "--localsieve", files.resolve("bad.sieve").toString(), "--remotesieve", "bad"));
        assertThat(bad.exit()).as(bad.output()).isNotZero();
        assertThat(bad.output()).contains("line 2");
        assertThat(scripts.get(ALICE, "bad")).isEmpty();
    }

    @Test
    void sievelibDoesTheWholeCycleAndMeetsTheLimits() throws Exception {
        start(Map.of());
        String script = new String(getClass().getResourceAsStream("/managesieve/sievelib_cycle.py").readAllBytes(),
                StandardCharsets.UTF_8);
        Path py = Files.writeString(files.resolve("cycle.py"), script);
        String out = Programs.run(null, "/usr/bin/python3", py.toString(), "127.0.0.1",
                String.valueOf(server.managesieve().getPort()), ALICE, TestServer.PASSWORD);
        assertThat(out.lines().toList()).as(out).containsExactly(
                "connect True",
                "implementation Mailroom",
                "fileinto offered True",
                "havespace True",
                "put True",
                "put second True",
                "list (None, ['lists', 'other'])",
                "setactive True",
                "list ('lists', ['other'])",
                "get same True",
                "rename True",
                "rename onto existing False b'ALREADYEXISTS'",
                "list ('filters', ['other'])",
                "delete active False b'ACTIVE'",
                "delete True",
                "put bad False line 2: unknown command frobnicate",
                "check good True",
                "list ('filters', [])");
    }

    @Test
    void limitsAndBadInputOverTls() throws Exception {
        start(Map.of());
        // Three scripts at most, 1000 octets each (sieve.max_scripts, sieve.max_script_size), asked raw over TLS.
        try (RawSieve raw = RawSieve.overTls(server.managesieve())) {
            assertThat(raw.last("AUTHENTICATE \"PLAIN\" \"" + plain() + "\"")).startsWith("OK");
            for (String name : List.of("a", "b", "c")) assertThat(raw.last("PUTSCRIPT \"" + name + "\" \"keep;\"")).isEqualTo("OK");
            assertThat(raw.last("PUTSCRIPT \"d\" \"keep;\"")).startsWith("NO (QUOTA/MAXSCRIPTS)");
            assertThat(raw.last("HAVESPACE \"a\" 1001")).startsWith("NO (QUOTA/MAXSIZE)");
            assertThat(raw.last("PUTSCRIPT \"a\" {1001+}\r\n" + "#".repeat(1001))).startsWith("NO (QUOTA/MAXSIZE)");
            assertThat(raw.last("GARBAGE \u0001 {")).startsWith("NO");
            assertThat(raw.last("PUTSCRIPT \"huge\" {5000000000+}")).startsWith("BYE");
        }
        try (RawSieve again = RawSieve.overTls(server.managesieve())) {
            assertThat(again.last("AUTHENTICATE \"PLAIN\" \"" + plain() + "\"")).startsWith("OK");
            assertThat(again.response("LISTSCRIPTS")).containsExactly("\"a\"", "\"b\"", "\"c\"", "OK");
        }
    }

    @Test
    void failedLoginsCountInTheGuardSharedWithImap() throws Exception {
        // Loopback not trusted and two failures a minute: the third attempt, on any protocol, is refused.
        start(Map.of("limits.auth_attempts_per_minute", "2", "limits.trusted_networks", "[]"));
        for (int i = 0; i < 2; i++) {
            Programs.Result wrong = Programs.result("wrong-password\n", sieveConnect("--list"));
            assertThat(wrong.exit()).as(wrong.output()).isNotZero();
        }
        Programs.Result blocked = Programs.result(TestServer.PASSWORD + "\n", sieveConnect("--list"));
        assertThat(blocked.exit()).as("the right password, but the network is blocked: " + blocked.output()).isNotZero();
        try (Socket imap = new Socket(server.server.addresses().get("imap").getAddress(),
                server.server.addresses().get("imap").getPort())) {
            imap.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(imap.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = imap.getOutputStream();
            in.readLine();
            out.write(("a LOGIN " + ALICE + " " + TestServer.PASSWORD + "\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("a NO");
        }
    }

    private static String plain() {
        return Base64.getEncoder().encodeToString(("\0" + ALICE + "\0" + TestServer.PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    /** A line client that does STARTTLS first (trusting any certificate: the server's is self-signed). */
    static final class RawSieve implements AutoCloseable {
        private final javax.net.ssl.SSLSocket socket;
        private final BufferedReader in;
        private final OutputStream out;

        private RawSieve(javax.net.ssl.SSLSocket socket) throws Exception {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            this.out = socket.getOutputStream();
        }

        static RawSieve overTls(InetSocketAddress address) throws Exception {
            Socket plain = new Socket(address.getAddress(), address.getPort());
            plain.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(plain.getInputStream(), StandardCharsets.UTF_8));
            List<String> greeting = readResponse(in);
            assertThat(greeting).contains("\"STARTTLS\"");
            plain.getOutputStream().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(in)).last().asString().startsWith("OK");
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
                public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}
                public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}
                public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                    return new java.security.cert.X509Certificate[0];
                }
            }}, null);
            javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                    .createSocket(plain, "127.0.0.1", address.getPort(), true);
            tls.startHandshake();
            RawSieve raw = new RawSieve(tls);
            List<String> capabilities = readResponse(raw.in);
            assertThat(capabilities).as("capabilities again after TLS").anyMatch(l -> l.startsWith("\"SASL\"") && l.contains("PLAIN"));
            return raw;
        }

        List<String> response(String command) throws Exception {
            out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return readResponse(in);
        }

        String last(String command) throws Exception {
            List<String> lines = response(command);
            return lines.get(lines.size() - 1);
        }

        private static List<String> readResponse(BufferedReader in) throws Exception {
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("OK") || line.startsWith("NO") || line.startsWith("BYE")) return lines;
            }
            throw new AssertionError("connection closed after " + lines);
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}

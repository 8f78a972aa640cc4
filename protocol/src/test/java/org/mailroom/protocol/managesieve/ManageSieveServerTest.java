package org.mailroom.protocol.managesieve;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mailroom.core.auth.Authenticator;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.protocol.SessionThreads;
import org.mailroom.protocol.pop3.InMemoryDirectory;
import org.mailroom.sieve.SieveSyntaxException;

/**
 * ManageSieve conversations over real sockets (RFC 5804), with a stand-in compiler that refuses any line holding
 * "bogus": the whole cycle with quoted strings and both kinds of literal, quotas with their response codes, bad
 * input answered without ending the server, and the login guard.
 */
class ManageSieveServerTest {

    static final String ALICE = "alice@example.test";

    /** Knows "fileinto" and "vacation"; "bogus" on a line is a syntax error of that line. */
    static final ScriptCompiler COMPILER = new ScriptCompiler() {
        @Override
        public Set<String> extensions() {
            return Set.of("fileinto", "vacation");
        }

        @Override
        public void check(String name, String text) throws SieveSyntaxException {
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].contains("bogus")) throw new SieveSyntaxException(i + 1, "unknown command \"bogus\"");
            }
        }
    };

    private final InMemoryDirectory directory = new InMemoryDirectory();
    private final InMemorySieveScripts scripts = new InMemorySieveScripts();
    private final SaslMechanisms sasl = new SaslMechanisms(new Authenticator(directory, Clock.systemUTC()));
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private SessionThreads blocking;
    private ManageSieveServer server;

    @BeforeEach
    void setUp() {
        directory.addAccount(ALICE, "secret".toCharArray());
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        blocking = new SessionThreads(4);
    }

    @AfterEach
    void tearDown() {
        if (server != null) server.close();
        boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        blocking.close();
    }

    private InetSocketAddress start(ManageSieveSettings settings, LoginGuard guard) throws IOException {
        server = new ManageSieveServer(settings, scripts, COMPILER, sasl, guard, null, boss, workers, blocking);
        return server.start(new InetSocketAddress("127.0.0.1", 0));
    }

    private InetSocketAddress start() throws IOException {
        return start(ManageSieveSettings.defaults("sieve.example.test").withLimits(200, 3),
                new LoginGuard(LoginGuard.Settings.defaults(3), Clock.systemUTC()));
    }

    private static SieveTestClient connect(InetSocketAddress address) throws IOException {
        SieveTestClient client = new SieveTestClient(address);
        List<String> greeting = client.response();
        assertThat(greeting.get(greeting.size() - 1)).startsWith("OK");
        return client;
    }

    private static SieveTestClient login(InetSocketAddress address) throws IOException {
        SieveTestClient client = connect(address);
        assertThat(client.last("AUTHENTICATE \"PLAIN\" \"" + plain(ALICE, "secret") + "\"")).startsWith("OK");
        return client;
    }

    static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void greetingListsTheCapabilitiesAndOwnerComesAfterLogin() throws Exception {
        InetSocketAddress address = start();
        try (SieveTestClient client = new SieveTestClient(address)) {
            List<String> greeting = client.response();
            assertThat(greeting).contains("\"IMPLEMENTATION\" \"Mailroom\"", "\"SIEVE\" \"fileinto vacation\"",
                    "\"VERSION\" \"1.0\"", "\"MAXREDIRECTS\" \"4\"");
            assertThat(greeting).anyMatch(l -> l.startsWith("\"SASL\" \"") && l.contains("PLAIN")
                    && l.contains("SCRAM-SHA-256"));
            assertThat(greeting).noneMatch(l -> l.startsWith("\"OWNER\""));
            assertThat(greeting).as("no TLS configured").noneMatch(l -> l.startsWith("\"STARTTLS\""));
            assertThat(client.last("LISTSCRIPTS")).startsWith("NO");
            assertThat(client.last("AUTHENTICATE \"PLAIN\" \"" + plain(ALICE, "secret") + "\"")).isEqualTo("OK \"Logged in\"");
            assertThat(client.command("CAPABILITY")).contains("\"OWNER\" \"" + ALICE + "\"", "OK");
            assertThat(client.last("AUTHENTICATE \"PLAIN\" \"x\"")).startsWith("NO");
        }
    }

    @Test
    void theWholeCycleWithQuotedStringsAndLiterals() throws Exception {
        InetSocketAddress address = start();
        try (SieveTestClient client = connect(address)) {
            // AUTHENTICATE without an initial response: an empty challenge, the response as a literal.
            client.send("AUTHENTICATE \"PLAIN\"");
            assertThat(client.readLine()).as("an empty challenge").isEqualTo("\"\"");
            String response = plain(ALICE, "secret");
            assertThat(client.last("{" + response.length() + "+}\r\n" + response)).startsWith("OK");

            String script = "require \"fileinto\";\r\nfileinto \"Lists\";\r\n";
            assertThat(client.last("HAVESPACE \"work\" " + script.length())).isEqualTo("OK");
            assertThat(client.last("PUTSCRIPT \"work\" {" + script.length() + "+}\r\n" + script)).isEqualTo("OK");
            // The synchronizing form is read the same way (no continuation in ManageSieve).
            assertThat(client.last("PUTSCRIPT \"away\" {5}\r\nkeep;")).isEqualTo("OK");
            assertThat(client.last("PUTSCRIPT \"quoted\" \"discard;\"")).isEqualTo("OK");
            assertThat(client.last("CHECKSCRIPT \"keep;\"")).isEqualTo("OK");
            assertThat(client.command("LISTSCRIPTS")).containsExactly("\"away\"", "\"quoted\"", "\"work\"", "OK");

            assertThat(client.last("SETACTIVE \"work\"")).isEqualTo("OK");
            assertThat(client.command("LISTSCRIPTS")).contains("\"work\" ACTIVE");
            assertThat(client.last("SETACTIVE \"nothing\"")).startsWith("NO (NONEXISTENT)");
            assertThat(client.command("GETSCRIPT \"work\"")).containsExactly("{" + script.length() + "}",
                    script, "", "OK"); // the literal, then the CRLF ending the response line
            assertThat(client.last("GETSCRIPT \"nothing\"")).startsWith("NO (NONEXISTENT)");

            assertThat(client.last("RENAMESCRIPT \"work\" \"away\"")).startsWith("NO (ALREADYEXISTS)");
            assertThat(client.last("RENAMESCRIPT \"nothing\" \"x\"")).startsWith("NO (NONEXISTENT)");
            assertThat(client.last("RENAMESCRIPT \"work\" \"Ärger\"")).isEqualTo("OK");
            assertThat(scripts.active(ALICE).orElseThrow().name()).isEqualTo("Ärger");

            assertThat(client.last("DELETESCRIPT \"Ärger\"")).startsWith("NO (ACTIVE)");
            assertThat(client.last("DELETESCRIPT \"nothing\"")).startsWith("NO (NONEXISTENT)");
            assertThat(client.last("DELETESCRIPT \"away\"")).isEqualTo("OK");
            assertThat(client.last("SETACTIVE \"\"")).isEqualTo("OK");
            assertThat(scripts.active(ALICE)).isEmpty();
            assertThat(client.last("NOOP \"tag1\"")).isEqualTo("OK (TAG \"tag1\") \"Done\"");
            assertThat(client.last("UNAUTHENTICATE")).isEqualTo("OK");
            assertThat(client.last("LISTSCRIPTS")).startsWith("NO");
            assertThat(client.last("LOGOUT")).startsWith("OK");
            assertThat(client.closed()).isTrue();
        }
    }

    @Test
    void aScriptThatDoesNotCompileIsRefusedWithItsLineAndNotStored() throws Exception {
        InetSocketAddress address = start();
        try (SieveTestClient client = login(address)) {
            String script = "keep;\r\nbogus;\r\n";
            String reply = client.last("PUTSCRIPT \"bad\" {" + script.length() + "+}\r\n" + script);
            assertThat(reply).isEqualTo("NO \"line 2: unknown command \\\"bogus\\\"\"");
            assertThat(client.last("CHECKSCRIPT \"bogus\"")).startsWith("NO \"line 1:");
            assertThat(scripts.list(ALICE)).isEmpty();
        }
    }

    @Test
    void quotasOnSizeAndCountHaveTheirResponseCodes() throws Exception {
        InetSocketAddress address = start(); // 200 octets, 3 scripts
        try (SieveTestClient client = login(address)) {
            assertThat(client.last("HAVESPACE \"big\" 201")).startsWith("NO (QUOTA/MAXSIZE)");
            String big = "#".repeat(201);
            assertThat(client.last("PUTSCRIPT \"big\" {201+}\r\n" + big)).startsWith("NO (QUOTA/MAXSIZE)");
            // Over the limit by its octets, not its characters.
            String wide = "# " + "ä".repeat(100);
            assertThat(client.last("PUTSCRIPT \"wide\" \"" + wide + "\"")).startsWith("NO (QUOTA/MAXSIZE)");
            for (String name : List.of("a", "b", "c")) assertThat(client.last("PUTSCRIPT \"" + name + "\" \"keep;\"")).isEqualTo("OK");
            assertThat(client.last("HAVESPACE \"d\" 10")).startsWith("NO (QUOTA/MAXSCRIPTS)");
            assertThat(client.last("PUTSCRIPT \"d\" \"keep;\"")).startsWith("NO (QUOTA/MAXSCRIPTS)");
            assertThat(client.last("HAVESPACE \"a\" 10")).as("replacing one fits").isEqualTo("OK");
            assertThat(client.last("PUTSCRIPT \"a\" \"discard;\"")).isEqualTo("OK");
            assertThat(scripts.list(ALICE)).hasSize(3);
        }
    }

    @Test
    void badInputGetsNoOrByeAndTheServerGoesOn() throws Exception {
        InetSocketAddress address = start();
        try (SieveTestClient client = login(address)) {
            assertThat(client.last("\u0001\u0002garbage \"unterminated")).startsWith("NO");
            assertThat(client.last("FROBNICATE")).isEqualTo("NO \"Unknown command\"");
            assertThat(client.last("PUTSCRIPT \"x\"")).startsWith("NO");
            assertThat(client.last("HAVESPACE \"x\" 99999999999")).startsWith("NO");
            assertThat(client.last("PUTSCRIPT \"a\u0007b\" \"keep;\"")).startsWith("NO");
            assertThat(client.last("X" + "y".repeat(20_000))).isEqualTo("NO \"Line too long\"");
            // A literal over the limit but under the discard bound is read, thrown away and refused.
            byte[] large = new byte[100_000];
            java.util.Arrays.fill(large, (byte) 'a');
            client.sendRaw("PUTSCRIPT \"large\" {100000+}\r\n");
            client.sendBytes(large);
            client.sendRaw("\r\n");
            assertThat(client.response()).last().asString().startsWith("NO (QUOTA/MAXSIZE)");
            // Invalid UTF-8 in a literal.
            client.sendRaw("PUTSCRIPT \"latin1\" {2+}\r\n");
            client.sendBytes(new byte[] {(byte) 0xe4, ';'});
            client.sendRaw("\r\n");
            assertThat(client.response()).last().asString().startsWith("NO");
            assertThat(client.last("PUTSCRIPT \"fine\" \"keep;\"")).isEqualTo("OK");
            // A literal too large to read at all ends the connection.
            assertThat(client.last("PUTSCRIPT \"huge\" {99999999999+}")).startsWith("BYE");
            assertThat(client.closed()).isTrue();
        }
        try (SieveTestClient next = login(address)) {
            assertThat(next.command("LISTSCRIPTS")).containsExactly("\"fine\"", "OK");
        }
    }

    @Test
    void tooManyBadCommandsEndTheSession() throws Exception {
        InetSocketAddress address = start();
        try (SieveTestClient client = connect(address)) {
            for (int i = 1; i < ManageSieveSession.MAX_BAD_COMMANDS; i++) assertThat(client.last("BAD" + i)).startsWith("NO");
            assertThat(client.last("BAD")).startsWith("BYE");
            assertThat(client.closed()).isTrue();
        }
    }

    @Test
    void plaintextNeedsTlsOffLoopbackAndFailuresCountInTheGuard() throws Exception {
        // No trusted networks: loopback counts like any client here. Two failures a minute block the network.
        LoginGuard guard = new LoginGuard(new LoginGuard.Settings(Duration.ZERO, Duration.ZERO, 3, 2,
                Duration.ofMinutes(1), Duration.ofMinutes(15), 1000), Clock.systemUTC());
        InetSocketAddress address = start(ManageSieveSettings.defaults("sieve.example.test")
                .withPlaintext(false, false), guard);
        try (SieveTestClient client = new SieveTestClient(address)) {
            List<String> greeting = client.response();
            assertThat(greeting).anyMatch(l -> l.startsWith("\"SASL\"") && !l.contains("PLAIN"));
            assertThat(client.last("AUTHENTICATE \"PLAIN\" \"" + plain(ALICE, "secret") + "\"")).startsWith("NO (ENCRYPT-NEEDED)");
        }
        server.close();
        address = start(ManageSieveSettings.defaults("sieve.example.test"), guard);
        try (SieveTestClient client = connect(address)) {
            assertThat(client.last("AUTHENTICATE \"PLAIN\" \"" + plain(ALICE, "wrong") + "\"")).isEqualTo("NO \"Authentication failed\"");
            assertThat(client.last("AUTHENTICATE \"PLAIN\" \"" + plain("nobody@example.test", "x") + "\"")).startsWith("NO");
            assertThat(guard.blocked(InetAddress.getLoopbackAddress())).isTrue();
            assertThat(client.last("AUTHENTICATE \"PLAIN\" \"" + plain(ALICE, "secret") + "\"")).startsWith("BYE (TRYLATER)");
        }
    }

    /** SCRAM-SHA-256 by an independent python3 client: the server signature comes in OK (SASL "...") (RFC 5804 2.1). */
    @Test
    void scramWithTheServerSignatureInTheOkResponse() throws Exception {
        InetSocketAddress address = start();
        java.nio.file.Path script = java.nio.file.Files.createTempFile("scram", ".py");
        try {
            try (var in = getClass().getResourceAsStream("/managesieve/scram_managesieve.py")) {
                java.nio.file.Files.write(script, in.readAllBytes());
            }
            for (String[] run : new String[][] {{"secret", "0"}, {"wrong", "1"}}) {
                Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "127.0.0.1",
                        String.valueOf(address.getPort()), ALICE, run[0]).redirectErrorStream(true).start();
                assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.exitValue()).as(out).isEqualTo(Integer.parseInt(run[1]));
                if (run[1].equals("0")) {
                    assertThat(out).contains("scram offered True", "server signature verified True", "listscripts OK");
                } else {
                    assertThat(out).contains("outcome NO");
                }
            }
        } finally {
            java.nio.file.Files.deleteIfExists(script);
        }
    }

    @Test
    void authenticationCanBeCancelled() throws Exception {
        InetSocketAddress address = start();
        try (SieveTestClient client = connect(address)) {
            client.send("AUTHENTICATE \"PLAIN\"");
            assertThat(client.readLine()).as("an empty challenge").isEqualTo("\"\"");
            assertThat(client.last("\"*\"")).isEqualTo("NO \"Authentication cancelled\"");
            assertThat(client.last("AUTHENTICATE \"NOSUCH\"")).startsWith("NO");
            assertThat(client.last("AUTHENTICATE \"PLAIN\" \"" + plain(ALICE, "secret") + "\"")).startsWith("OK");
        }
    }
}

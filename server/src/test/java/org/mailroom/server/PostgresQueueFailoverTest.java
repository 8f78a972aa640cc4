package org.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.Directory;
import org.mailroom.delivery.testing.TestDnsServer;
import org.mailroom.server.admin.StoreOptions;
import org.mailroom.storage.postgres.PostgresStorage;
import org.mailroom.storage.postgres.TestPostgres;

/**
 * The queue across nodes when a node dies mid-delivery. Node A runs in its own JVM on the shared database and
 * starts delivering ten messages to remote.test, whose MX (a socket server in this test) takes each message
 * whole and then never answers the final dot: A holds every lease. A is killed with SIGKILL. Node B (in this
 * JVM) takes the messages up once A's leases have run out and delivers them all. The messages A had sent in
 * full before it died arrive twice: that is the documented window (the remote end has the message, the
 * sender never learnt it), counted and printed here.
 */
class PostgresQueueFailoverTest {

    private static final Pattern SUBJECT = Pattern.compile("^Subject: (q-\\d+)$", Pattern.MULTILINE);
    private static final int MESSAGES = 10;
    /** Short enough for a quick test, long enough that A is surely killed before its first lease runs out. */
    private static final Duration LEASE = Duration.ofSeconds(15);

    @RegisterExtension
    static final TestPostgres postgres = new TestPostgres();

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    private TestDnsServer dns;
    private RemoteMx mx;
    private Process nodeA;
    private TestServer nodeB;

    @AfterEach
    void stopEverything() throws IOException {
        if (nodeA != null) nodeA.destroyForcibly();
        if (nodeB != null) nodeB.close();
        if (mx != null) mx.close();
        if (dns != null) dns.close();
    }

    @Test
    void aNodeKilledMidDeliveryLeavesItsMessagesToTheOtherOnceItsLeasesRunOut() throws Exception {
        mx = new RemoteMx();
        dns = TestDnsServer.start();
        dns.mx("remote.test", 10, "mx.remote.test").a("mx.remote.test", "127.0.0.1");
        try (PostgresStorage setup = PostgresStorage.open(postgres.url(), "", "", dirB.resolve("setup"))) {
            Directory d = setup.directory();
            d.addDomain("example.test");
            d.addAccount("alice@example.test", TestServer.PASSWORD.toCharArray());
            d.addAlias("out@example.test", "far@remote.test");
        }

        nodeA = startNodeAJvm();
        int smtpA = ServerJvm.awaitSmtpPort(nodeA);
        try (PostgresLineClient smtp = PostgresLineClient.smtp(new InetSocketAddress("127.0.0.1", smtpA))) {
            for (int i = 0; i < MESSAGES; i++) {
                assertThat(smtp.sendMail("sender@elsewhere.test", "out@example.test", "q-" + i, "body " + i))
                        .startsWith("250");
            }
        }
        // A has claimed all ten (five at a time per destination: the rest wait, leased, behind those) and
        // five are stuck at the MX after their final dot.
        await().atMost(30, TimeUnit.SECONDS).until(() -> mx.stalled.size() == 5 && leasedUntil().size() == MESSAGES);
        long firstLeaseEnds = leasedUntil().stream().min(Long::compare).orElseThrow();
        assertThat(firstLeaseEnds).as("A still holds every lease").isGreaterThan(System.currentTimeMillis());
        List<String> sentInFullBeforeTheKill = List.copyOf(mx.stalled);

        nodeA.destroyForcibly(); // SIGKILL: no shutdown hook, the leases stay in the database
        assertThat(nodeA.waitFor(20, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.currentTimeMillis();
        mx.answer = true;

        Map<String, String> b = new HashMap<>(PostgresTwoNodesTest.postgresqlStore(postgres.url()));
        b.put("dns.servers", "[\"127.0.0.1:" + dns.address().getPort() + "\"]");
        b.put("outbound.port", String.valueOf(mx.port()));
        b.put("outbound.lease", "\"" + LEASE.toSeconds() + "s\"");
        nodeB = TestServer.start(dirB, b);

        await().atMost(LEASE.plusSeconds(45)).until(() -> mx.acknowledgedIds().size() == MESSAGES);
        await().atMost(10, TimeUnit.SECONDS).until(() -> nodeB.server.storage().mailQueue().list().isEmpty());
        assertThat(mx.acknowledged).extracting(Delivery::at).as("B waited for A's leases")
                .allMatch(at -> at >= firstLeaseEnds);

        Map<String, Integer> copies = new TreeMap<>();
        for (String id : sentInFullBeforeTheKill) copies.merge(id, 1, Integer::sum);
        for (Delivery d : mx.acknowledged) copies.merge(d.id(), 1, Integer::sum);
        int duplicates = copies.values().stream().mapToInt(n -> n - 1).sum();
        System.out.printf("queue failover: %d messages, A killed holding every lease with %d sent in full "
                + "(no reply yet); B delivered all %d after the lease (%d ms after the kill); %d duplicates %s%n",
                MESSAGES, sentInFullBeforeTheKill.size(), MESSAGES, mx.acknowledged.get(0).at() - killedAt,
                duplicates, copies);
        assertThat(copies).hasSize(MESSAGES);
        assertThat(mx.acknowledged).extracting(Delivery::id).as("B sent each message once").doesNotHaveDuplicates();
        assertThat(duplicates).as("only the documented window: sent in full, never answered")
                .isEqualTo(sentInFullBeforeTheKill.size());
    }

    /** When each queue entry's lease runs out (epoch ms), for the entries that have one. */
    private static List<Long> leasedUntil() throws Exception {
        List<Long> until = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(postgres.url()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT lease_until FROM queue WHERE lease_until IS NOT NULL")) {
            while (rs.next()) until.add(rs.getLong(1));
        }
        return until;
    }

    private Process startNodeAJvm() throws IOException {
        return ServerJvm.start(dirA, null, "server.hostname=mx.example.test", "store.backend=postgresql",
                "store.url=" + StoreOptions.tomlString(postgres.url()),
                "dns.servers=[\"127.0.0.1:" + dns.address().getPort() + "\"]",
                "outbound.port=" + mx.port(), "outbound.lease=" + LEASE.toSeconds() + "s",
                // Five at a time, so that the other five wait leased behind them (see the test).
                "outbound.max_connections_per_destination=5");
    }



    record Delivery(String id, long at) {}

    /**
     * remote.test's MX: takes each message whole; until {@link #answer} is set it then says nothing (the
     * message is "stalled": received, never acknowledged), afterwards it answers 250 and notes the time.
     */
    static final class RemoteMx implements AutoCloseable {
        final List<String> stalled = new CopyOnWriteArrayList<>();
        final List<Delivery> acknowledged = new CopyOnWriteArrayList<>();
        volatile boolean answer;
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        RemoteMx() throws IOException {
            Thread t = new Thread(this::acceptLoop, "remote-mx");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        List<String> acknowledgedIds() {
            return acknowledged.stream().map(Delivery::id).distinct().toList();
        }

        private void acceptLoop() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    open.add(s);
                    Thread t = new Thread(() -> serve(s), "remote-mx session");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                OutputStream out = s.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                reply(out, "220 mx.remote.test ESMTP");
                String line;
                while ((line = in.readLine()) != null) {
                    String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                    if (verb.equals("QUIT")) {
                        reply(out, "221 2.0.0 bye");
                        return;
                    }
                    if (!verb.equals("DATA")) {
                        reply(out, verb.equals("EHLO") ? "250-mx.remote.test\r\n250 8BITMIME" : "250 2.0.0 ok");
                        continue;
                    }
                    reply(out, "354 go on");
                    StringBuilder message = new StringBuilder();
                    String data;
                    while ((data = in.readLine()) != null && !data.equals(".")) message.append(data).append('\n');
                    Matcher m = SUBJECT.matcher(message);
                    String id = m.find() ? m.group(1) : "?";
                    if (!answer) {
                        stalled.add(id);
                        while (in.read() >= 0) {
                            // say nothing until the sender hangs up (or dies)
                        }
                        return;
                    }
                    acknowledged.add(new Delivery(id, System.currentTimeMillis()));
                    reply(out, "250 2.0.0 queued");
                }
            } catch (IOException e) {
                // the sender hung up
            }
        }

        private static void reply(OutputStream out, String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : open) s.close();
        }
    }
}

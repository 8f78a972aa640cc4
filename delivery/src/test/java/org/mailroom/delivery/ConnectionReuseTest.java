package org.mailroom.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailQueue;
import org.mailroom.delivery.testing.FakeMx;
import org.mailroom.protocol.smtp.client.SmtpClient;

/**
 * Several messages down one kept connection: no RSET between clean transactions (one round trip less per
 * message), a connection the server dropped meanwhile costs a new connection and never a message, and a
 * message far larger than Netty's write buffer still arrives whole although chunks are not awaited one by one.
 */
class ConnectionReuseTest {

    static EventLoopGroup group;

    @BeforeAll
    static void loops() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopLoops() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void messagesAfterTheFirstGoOverTheSameConnectionWithoutRset() throws Exception {
        try (FakeMx mx = new FakeMx(InetAddress.getLoopbackAddress(), 0, FakeMx.Stage.DOT, FakeMx.Fault.NONE)) {
            Blobs blobs = new Blobs();
            RemoteDelivery remote = remote(mx.port(), blobs, group);
            try {
                for (int i = 1; i <= 3; i++) {
                    blobs.put("b" + i, "Subject: " + i + "\r\n\r\nbody " + i + "\r\n");
                    assertThat(deliver(remote, "b" + i).result()).isEqualTo(RemoteDelivery.Result.DELIVERED);
                }
            } finally {
                remote.closeConnections();
            }
            assertThat(mx.connections()).isEqualTo(1);
            assertThat(mx.messages()).hasSize(3);
            assertThat(mx.verbs()).doesNotContain("RSET")
                    .containsSubsequence("MAIL", "RCPT", "DATA", "MAIL", "RCPT", "DATA", "MAIL", "RCPT", "DATA");
        }
    }

    @Test
    void aKeptConnectionTheServerDroppedIsReplacedAndTheMessageArrives() throws Exception {
        try (FakeMx mx = new FakeMx(InetAddress.getLoopbackAddress(), 0, FakeMx.Stage.DOT, FakeMx.Fault.NONE)) {
            Blobs blobs = new Blobs();
            blobs.put("b1", "Subject: 1\r\n\r\none\r\n");
            blobs.put("b2", "Subject: 2\r\n\r\ntwo\r\n");
            RemoteDelivery remote = remote(mx.port(), blobs, group);
            try {
                assertThat(deliver(remote, "b1").result()).isEqualTo(RemoteDelivery.Result.DELIVERED);
                mx.dropConnections();
                assertThat(deliver(remote, "b2").result()).isEqualTo(RemoteDelivery.Result.DELIVERED);
            } finally {
                remote.closeConnections();
            }
            assertThat(mx.connections()).isEqualTo(2);
            assertThat(mx.messages()).containsExactly("Subject: 1\r\n\r\none\r\n", "Subject: 2\r\n\r\ntwo\r\n");
        }
    }

    @Test
    void aMessageLargerThanTheWriteBufferArrivesWhole() throws Exception {
        StringBuilder text = new StringBuilder("Subject: big\r\n\r\n");
        for (int i = 0; text.length() < 3_000_000; i++) {
            text.append(String.format("line %07d of a message that is much larger than any socket buffer%n", i)
                    .replace(System.lineSeparator(), "\r\n"));
        }
        try (FakeMx mx = new FakeMx(InetAddress.getLoopbackAddress(), 0, FakeMx.Stage.DOT, FakeMx.Fault.NONE)) {
            Blobs blobs = new Blobs();
            blobs.put("big", text.toString());
            RemoteDelivery remote = remote(mx.port(), blobs, group);
            try {
                assertThat(deliver(remote, "big").result()).isEqualTo(RemoteDelivery.Result.DELIVERED);
            } finally {
                remote.closeConnections();
            }
            assertThat(mx.messages()).hasSize(1);
            assertThat(mx.messages().get(0)).isEqualTo(text.toString());
        }
    }

    private static RemoteDelivery.RecipientOutcome deliver(RemoteDelivery remote, String blobId) {
        Instant t0 = Instant.parse("2026-11-29T12:00:00Z");
        MailQueue.Entry entry = new MailQueue.Entry("q-" + blobId, blobId, "alice@a.test",
                List.of(new MailQueue.Recipient("bob@d.test", MailQueue.RecipientState.PENDING, null)), t0, t0, 0, null);
        return remote.deliver(entry, "d.test", List.of("bob@d.test")).outcomes().get(0);
    }

    static RemoteDelivery remote(int port, BlobStore blobs, EventLoopGroup group) {
        DnsResolver dns = new DnsResolver() {
            @Override
            public Answer<Mx> mx(String domain) {
                return new Answer<>(Status.FOUND, List.of(new Mx(10, "mx.d.test")), "MX d.test");
            }

            @Override
            public Answer<InetAddress> addresses(String host) {
                return new Answer<>(Status.FOUND, List.of(InetAddress.getLoopbackAddress()), "A " + host);
            }

            @Override
            public Answer<String> ptr(InetAddress address) {
                return new Answer<>(Status.NO_RECORDS, List.of(), "PTR " + address.getHostAddress());
            }

            @Override
            public Answer<String> txt(String name) {
                return new Answer<>(Status.NO_RECORDS, List.of(), "TXT " + name);
            }
        };
        MxResolver mx = new MxResolver(dns, port, Set.of(), null, 0, new Random(1));
        SmtpClient client = new SmtpClient(new SmtpClient.Settings("mx.a.test", Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofSeconds(5), SmtpClient.TlsPolicy.NONE), group);
        return new RemoteDelivery(mx, client, blobs, Clock.systemUTC());
    }

    /** Messages in memory, by id. */
    static final class Blobs implements BlobStore {
        private final Map<String, byte[]> content = new ConcurrentHashMap<>();

        void put(String id, String text) {
            content.put(id, text.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public BlobWriter create() {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream open(String id) {
            return new ByteArrayInputStream(content.get(id));
        }

        @Override
        public long size(String id) {
            return content.get(id).length;
        }

        @Override
        public void delete(String id) {
        }
    }
}

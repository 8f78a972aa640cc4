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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailQueue;
import org.mailroom.delivery.testing.FakeMx;
import org.mailroom.delivery.testing.FakeMx.Fault;
import org.mailroom.delivery.testing.FakeMx.Stage;
import org.mailroom.protocol.smtp.client.SmtpClient;

/**
 * The matrix of (stage x fault) at the preferred MX, with a healthy backup MX behind it: what becomes of
 * the recipient. "Next MX" is right before the server spoke for the domain; after that a 4xx means retry
 * and a 5xx a bounce; a connection lost after the message was sent means retry (the server may have it).
 */
class RemoteDeliveryFaultTest {

    enum Expect { PRIMARY, BACKUP, RETRY, BOUNCE }

    record Case(Stage stage, Fault fault, Expect expect) {}

    static final List<Case> TABLE = List.of(
            new Case(Stage.GREETING, Fault.TEMPORARY, Expect.BACKUP),
            new Case(Stage.GREETING, Fault.PERMANENT, Expect.BACKUP),
            new Case(Stage.GREETING, Fault.REPLY_421_AND_CLOSE, Expect.BACKUP),
            new Case(Stage.GREETING, Fault.CLOSE, Expect.BACKUP),
            new Case(Stage.GREETING, Fault.STALL, Expect.BACKUP),
            new Case(Stage.EHLO, Fault.TEMPORARY, Expect.BACKUP),
            new Case(Stage.EHLO, Fault.PERMANENT, Expect.PRIMARY), // HELO fallback
            new Case(Stage.EHLO, Fault.REPLY_421_AND_CLOSE, Expect.BACKUP),
            new Case(Stage.EHLO, Fault.CLOSE, Expect.BACKUP),
            new Case(Stage.EHLO, Fault.STALL, Expect.BACKUP),
            new Case(Stage.STARTTLS, Fault.TEMPORARY, Expect.PRIMARY), // plain text
            new Case(Stage.STARTTLS, Fault.REPLY_421_AND_CLOSE, Expect.BACKUP),
            new Case(Stage.STARTTLS, Fault.CLOSE, Expect.BACKUP),
            new Case(Stage.STARTTLS, Fault.TLS_FAILURE, Expect.PRIMARY), // opportunistic: again in plain text
            new Case(Stage.STARTTLS, Fault.INJECTION, Expect.PRIMARY), // that connection dropped, plain text
            new Case(Stage.MAIL, Fault.TEMPORARY, Expect.RETRY),
            new Case(Stage.MAIL, Fault.PERMANENT, Expect.BOUNCE),
            new Case(Stage.MAIL, Fault.REPLY_421_AND_CLOSE, Expect.BACKUP),
            new Case(Stage.MAIL, Fault.CLOSE, Expect.BACKUP),
            new Case(Stage.MAIL, Fault.STALL, Expect.BACKUP),
            new Case(Stage.RCPT, Fault.TEMPORARY, Expect.RETRY),
            new Case(Stage.RCPT, Fault.PERMANENT, Expect.BOUNCE),
            new Case(Stage.RCPT, Fault.REPLY_421_AND_CLOSE, Expect.BACKUP), // the server went away mid-transaction
            new Case(Stage.RCPT, Fault.CLOSE, Expect.BACKUP),
            new Case(Stage.RCPT, Fault.STALL, Expect.BACKUP),
            new Case(Stage.DATA, Fault.TEMPORARY, Expect.RETRY),
            new Case(Stage.DATA, Fault.PERMANENT, Expect.BOUNCE),
            new Case(Stage.DATA, Fault.REPLY_421_AND_CLOSE, Expect.RETRY),
            new Case(Stage.DATA, Fault.CLOSE, Expect.BACKUP),
            new Case(Stage.DATA, Fault.STALL, Expect.BACKUP),
            new Case(Stage.DOT, Fault.TEMPORARY, Expect.RETRY),
            new Case(Stage.DOT, Fault.PERMANENT, Expect.BOUNCE),
            new Case(Stage.DOT, Fault.REPLY_421_AND_CLOSE, Expect.RETRY),
            new Case(Stage.DOT, Fault.CLOSE, Expect.RETRY),
            new Case(Stage.DOT, Fault.STALL, Expect.RETRY));

    static final byte[] MESSAGE = ("Return-Path: <alice@a.test>\r\nSubject: t\r\n\r\n.dot\nbare LF\rbare CR\r\nend")
            .getBytes(StandardCharsets.UTF_8);

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
    void stageByFaultTable() throws Exception {
        List<String> wrong = new ArrayList<>();
        int ran = 0;
        for (Case c : TABLE) {
            Expect got = run(c);
            ran++;
            if (got != c.expect()) wrong.add(c + " gave " + got);
        }
        System.out.println("RemoteDeliveryFaultTest: " + ran + " stage x fault cases ran");
        assertThat(wrong).isEmpty();
        assertThat(ran).isEqualTo(TABLE.size());
    }

    @Test
    void theWireCarriesNoReturnPathNoBareLineEndingsAndStuffedDots() throws Exception {
        try (FakeMx primary = new FakeMx(InetAddress.getByName("127.0.0.1"), 0, Stage.MAIL, Fault.NONE)) {
            deliver(primary.port());
            assertThat(primary.messages()).containsExactly(
                    "Subject: t\r\n\r\n..dot\r\nbare LF\r\nbare CR\r\nend\r\n");
        }
    }

    private Expect run(Case c) throws Exception {
        try (FakeMx primary = new FakeMx(InetAddress.getByName("127.0.0.1"), 0, c.stage(), c.fault());
             FakeMx backup = new FakeMx(InetAddress.getByName("127.0.0.2"), primary.port(), Stage.MAIL, Fault.NONE)) {
            RemoteDelivery.RecipientOutcome o = deliver(primary.port()).outcomes().get(0);
            switch (o.result()) {
                case DELIVERED:
                    if (!primary.messages().isEmpty()) return Expect.PRIMARY;
                    return backup.messages().isEmpty() ? null : Expect.BACKUP;
                case TEMPORARY:
                    return Expect.RETRY;
                default:
                    return Expect.BOUNCE;
            }
        }
    }

    private RemoteDelivery.DomainResult deliver(int port) {
        DnsResolver dns = new DnsResolver() {
            @Override
            public Answer<Mx> mx(String domain) {
                return new Answer<>(Status.FOUND, List.of(new Mx(10, "primary.test"), new Mx(20, "backup.test")), "MX d.test");
            }

            @Override
            public Answer<InetAddress> addresses(String host) {
                try {
                    return new Answer<>(Status.FOUND, List.of(InetAddress.getByName(
                            host.startsWith("primary") ? "127.0.0.1" : "127.0.0.2")), "A " + host);
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
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
                Duration.ofMillis(700), Duration.ofMillis(700), SmtpClient.TlsPolicy.OPPORTUNISTIC), group);
        RemoteDelivery remote = new RemoteDelivery(mx, client, new OneBlob(), Clock.systemUTC());
        Instant t0 = Instant.parse("2026-11-29T12:00:00Z");
        MailQueue.Entry entry = new MailQueue.Entry("q1", "blob", "alice@a.test",
                List.of(new MailQueue.Recipient("bob@d.test", MailQueue.RecipientState.PENDING, null)), t0, t0, 0, null);
        return remote.deliver(entry, "d.test", List.of("bob@d.test"));
    }

    /** The one message of these tests. */
    static final class OneBlob implements BlobStore {
        @Override
        public BlobWriter create() {
            throw new UnsupportedOperationException();
        }

        @Override
        public InputStream open(String id) {
            return new ByteArrayInputStream(MESSAGE);
        }

        @Override
        public long size(String id) {
            return MESSAGE.length;
        }

        @Override
        public void delete(String id) {
        }
    }
}

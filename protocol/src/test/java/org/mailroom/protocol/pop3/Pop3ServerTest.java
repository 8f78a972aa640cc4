package org.mailroom.protocol.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mailroom.protocol.SessionThreads;

class Pop3ServerTest {

    @BeforeAll
    static void quiet() {
        QuietLogs.apply();
    }

    @Test
    void serversOnSharedGroupsLeaveThemRunningWhenClosed() throws IOException {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        SessionThreads blocking = new SessionThreads(2);
        InMemoryBlobStore blobs = new InMemoryBlobStore();
        InMemoryMailStore store = new InMemoryMailStore(blobs);
        InMemoryDirectory directory = new InMemoryDirectory();
        directory.addAccount("alice@example.test", "secret".toCharArray());
        try {
            Pop3Server first = new Pop3Server(Pop3Settings.defaults("one.example.test"), store, blobs, directory,
                    boss, workers, blocking);
            Pop3Server second = new Pop3Server(Pop3Settings.defaults("two.example.test"), store, blobs, directory,
                    boss, workers, blocking);
            InetSocketAddress a = first.start(new InetSocketAddress("127.0.0.1", 0));
            InetSocketAddress b = second.start(new InetSocketAddress("127.0.0.1", 0));
            assertThat(a.getPort()).isNotZero().isNotEqualTo(b.getPort());
            try (Pop3TestClient c = new Pop3TestClient(a)) {
                assertThat(c.readLine()).startsWith("+OK one.example.test");
                c.login("alice@example.test", "secret");
                first.close(); // closes the session: no QUIT, so the lock goes and nothing is deleted
                assertThat(c.closedByServer()).isTrue();
            }
            assertThat(workers.isShuttingDown()).isFalse();
            try (Pop3TestClient c = new Pop3TestClient(b)) {
                assertThat(c.readLine()).startsWith("+OK two.example.test");
                await().until(() -> !store.isLocked("alice@example.test"));
                c.login("alice@example.test", "secret");
            }
            second.close();
        } finally {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            blocking.close();
        }
    }

    @Test
    void portInUseIsAnIOException() throws IOException {
        Pop3Settings settings = Pop3Settings.defaults("pop.example.test");
        InMemoryBlobStore blobs = new InMemoryBlobStore();
        try (Pop3Server one = new Pop3Server(settings, new InMemoryMailStore(blobs), blobs, new InMemoryDirectory());
             Pop3Server two = new Pop3Server(settings, new InMemoryMailStore(blobs), blobs, new InMemoryDirectory())) {
            InetSocketAddress bound = one.start(new InetSocketAddress("127.0.0.1", 0));
            assertThatThrownBy(() -> two.start(bound)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void settingsRejectNonsense() {
        assertThatThrownBy(() -> new Pop3Settings(" ", Pop3Settings.DEFAULT_IDLE_TIMEOUT, 255, 3, 10, true, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pop3Settings("h", Duration.ZERO, 255, 3, 10, true, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pop3Settings("h", Pop3Settings.DEFAULT_IDLE_TIMEOUT, 10, 3, 10, true, true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Pop3Settings.defaults("h").idleTimeout()).isEqualTo(Duration.ofMinutes(10));
    }
}

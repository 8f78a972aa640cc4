package org.mailroom.protocol.imap;

import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.Objects;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.Quota;
import org.mailroom.protocol.ProtocolListener;
import org.mailroom.protocol.SessionThreads;
import org.mailroom.protocol.tls.TlsContext;

/**
 * An IMAP listener on shared event loops. Example: {@code new ImapServer(settings, store, blobs, structure, sasl,
 * guard, tls, false, boss, workers, blocking).start(address)}: port 143 with STARTTLS; with {@code implicitTls}
 * port 993 (RFC 8314).
 *
 * <p>Pipeline per connection: (TLS on 993) → idle timer → {@link ImapDecoder} → {@link ImapSession}, the session
 * offloaded to the session pool so that store reads and password hashing never stall the event loop. The session
 * writes bytes itself (responses hold literals), so there is no encoder.
 */
public final class ImapServer extends ProtocolListener {

    /** One budget for every IMAP listener of this JVM (143 and 993 share the heap). */
    private static final LiteralBudget literals = LiteralBudget.ofHeap();

    /** Replaced by a configuration reload (SIGHUP) for the connections that come next; read once per connection. */
    private volatile ImapSettings settings;
    private final MailStore store;
    private final BlobStore blobs;
    private final MessageStructureSource structure;
    private final SaslMechanisms sasl;
    private final LoginGuard guard;
    private final TlsContext tls;
    private final Quota quota;

    /**
     * @param sasl        the mechanisms shared by all protocols (LOGIN uses its authenticator too)
     * @param guard       the login guard shared by all protocols; its limit closes connections
     * @param tls         the server's TLS, offered with STARTTLS; null for none (then no implicit TLS either)
     * @param implicitTls TLS from the first byte (port 993)
     */
    public ImapServer(ImapSettings settings, MailStore store, BlobStore blobs, MessageStructureSource structure,
                      SaslMechanisms sasl, LoginGuard guard, TlsContext tls, boolean implicitTls,
                      EventLoopGroup boss, EventLoopGroup workers, SessionThreads blocking) {
        this(settings, store, blobs, structure, sasl, guard, tls, implicitTls, boss, workers, blocking,
                new Quota(store, settings.mailboxQuota()));
    }

    /** As above, with each account's storage limit (its own from the directory, else the default). */
    public ImapServer(ImapSettings settings, MailStore store, BlobStore blobs, MessageStructureSource structure,
                      SaslMechanisms sasl, LoginGuard guard, TlsContext tls, boolean implicitTls,
                      EventLoopGroup boss, EventLoopGroup workers, SessionThreads blocking, Quota quota) {
        super("IMAP", boss, workers, blocking, implicitTls ? tls : null);
        this.quota = Objects.requireNonNull(quota, "quota");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.store = Objects.requireNonNull(store, "store");
        this.blobs = Objects.requireNonNull(blobs, "blobs");
        this.structure = Objects.requireNonNull(structure, "structure");
        this.sasl = Objects.requireNonNull(sasl, "sasl");
        this.guard = Objects.requireNonNull(guard, "guard");
        if (implicitTls && tls == null) throw new IllegalArgumentException("implicit TLS needs a TlsContext");
        this.tls = tls;
    }

    @Override
    protected ChannelInboundHandler open(SocketChannel channel) {
        ImapSettings settings = this.settings;
        // RFC 9051 section 7.1.5: BYE at any time, the greeting included.
        if (turnedAway(channel, settings.maxConnections(),
                "* BYE [UNAVAILABLE] Too many connections", "* BYE [UNAVAILABLE] Server shutting down")) {
            return null;
        }
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("idle", idleTimer(settings.idleTimeout()));
        pipeline.addLast("decoder", new ImapDecoder(settings.maxLineLength(), settings.maxLiteralSize(), literals));
        return new ImapSession(settings, store, blobs, structure, sasl, guard, tls, quota);
    }

    /** New settings for the connections accepted from now on (a configuration reload); open sessions keep theirs. */
    public void reconfigure(ImapSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }
}

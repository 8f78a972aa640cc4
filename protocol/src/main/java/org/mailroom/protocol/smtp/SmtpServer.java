package org.mailroom.protocol.smtp;

import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.store.BlobStore;
import org.mailroom.mailauth.InboundAuthenticator;
import org.mailroom.protocol.ConnectionLimiter;
import org.mailroom.protocol.EventLoops;
import org.mailroom.protocol.ProtocolListener;
import org.mailroom.protocol.tls.TlsContext;

/**
 * An SMTP listener. Pipeline per connection: (TLS for implicit TLS,) connection limits, idle timeout,
 * {@link SmtpDecoder}, then {@link SmtpSession} offloaded to the session pool.
 *
 * <p>A graceful stop ({@link #stopAccepting()}): new connections are greeted with {@code 421 4.3.2} and closed, idle
 * sessions get the same, and a session in a mail transaction gets it right after its reply to the data (a 250 only
 * once the message is durable). {@link #close()} then ends whatever is left.
 */
public final class SmtpServer extends ProtocolListener {

    // Volatile, and read once per new connection: a configuration reload (SIGHUP) replaces them for the sessions
    // that start afterwards, while open sessions keep what they started with.
    private volatile SmtpSettings settings;
    private final Router router;
    private final BlobStore blobs;
    private final Clock clock;
    private final ConnectionLimiter limiter;
    private final TlsContext tls;
    private volatile SmtpAuth auth;
    private volatile InboundChecks checks;

    /**
     * @param tls         offered with STARTTLS, or null for none
     * @param implicitTls TLS from the first byte (submissions, port 465, RFC 8314) instead of STARTTLS
     * @param auth        for submission listeners: AUTH required before MAIL; null for port 25
     */
    public SmtpServer(SmtpSettings settings, Router router, BlobStore blobs, EventLoops loops, Clock clock,
                      TlsContext tls, boolean implicitTls, SmtpAuth auth) {
        this(settings, router, blobs, loops, clock, tls, implicitTls, auth, null);
    }

    /**
     * @param checks for port 25: SPF, DKIM, ARC and DMARC of every message at the end of its data, or null for
     *               none; ignored on submission listeners ({@code auth} set: our own users' mail is not checked)
     */
    public SmtpServer(SmtpSettings settings, Router router, BlobStore blobs, EventLoops loops, Clock clock,
                      TlsContext tls, boolean implicitTls, SmtpAuth auth, InboundAuthenticator checks) {
        super("SMTP", loops.boss(), loops.workers(), loops.blocking(), implicitTls ? tls : null);
        if (implicitTls && tls == null) throw new IllegalArgumentException("implicit TLS needs a TLS context");
        this.auth = auth;
        this.checks = checks == null || auth != null ? null : new InboundChecks(checks, blobs);
        this.tls = tls;
        this.settings = settings;
        this.router = router;
        this.blobs = blobs;
        this.clock = clock;
        this.limiter = new ConnectionLimiter(settings.maxConnections(), settings.maxConnectionsPerIp(),
                "421 4.7.0 " + settings.hostname() + " Error: too many connections");
    }

    @Override
    protected ChannelInboundHandler open(SocketChannel channel) {
        SmtpSettings settings = this.settings;
        SmtpDecoder decoder = new SmtpDecoder(settings.commandLineLimit(), settings.textLineLimit(),
                settings.normalizeBareLineEndings());
        ChannelPipeline p = channel.pipeline();
        p.addLast("limits", limiter); // its own cap, per client address too, answered with 421
        p.addLast("idle", new IdleStateHandler(settings.commandTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
        p.addLast("decoder", decoder);
        return new SmtpSession(settings, router, blobs, decoder, clock, tls, auth, checks, this::stopping);
    }

    /**
     * New settings for the sessions that start from now on (a configuration reload); open sessions keep theirs.
     * The host name and the listener's kind stay: a submission listener keeps requiring AUTH and port 25 never
     * gets it.
     *
     * @param auth   the submission listener's new AUTH policy; ignored on port 25
     * @param checks port 25's new inbound checks, or null for none; ignored on submission listeners
     */
    public void reconfigure(SmtpSettings settings, SmtpAuth auth, InboundAuthenticator checks) {
        if (this.auth != null && auth != null) this.auth = auth;
        if (this.auth == null) this.checks = checks == null ? null : new InboundChecks(checks, blobs);
        this.settings = settings;
        limiter.setLimits(settings.maxConnections(), settings.maxConnectionsPerIp());
    }

    /** Whether this is a submission listener (AUTH required before MAIL). */
    public boolean requiresAuth() {
        return auth != null;
    }

    /** Sessions open now. */
    public int activeSessions() {
        return limiter.active();
    }
}

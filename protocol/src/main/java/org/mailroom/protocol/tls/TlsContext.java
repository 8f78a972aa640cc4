package org.mailroom.protocol.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.mailroom.core.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS shared by SMTP, submission, IMAP and POP3: one Netty {@link SslContext} built from a
 * {@link CertificateSource}, handing out an {@link SslHandler} per connection, and replaced without a restart
 * when the certificate files change.
 *
 * <p>Policy: TLS 1.3 and 1.2 only (RFC 8996 deprecates 1.0 and 1.1; RFC 8314 section 4.1 asks for current
 * TLS), with the cipher suites of Mozilla's "intermediate" profile: for TLS 1.2 only ECDHE key exchange with
 * AES-GCM or ChaCha20-Poly1305, so every session has forward secrecy and an AEAD cipher. A port-25 sender that
 * knows nothing newer falls back to plain text, which is what it would get from most MTAs today.
 *
 * <p>Reload: at most once per check interval, the connection that asks for a handler first looks at the
 * files' mtime, size and inode (one stat call each). When they changed, the new files are loaded and a new
 * context serves the next connections; connections already open keep the engine they have. A reload that fails
 * (half-written file, key not matching) keeps the current context and logs one warning; the same files are not
 * tried again until they change once more. That check and a reload are short blocking file reads on the event
 * loop, accepted because they happen once per interval and once per certificate change. A self-signed
 * certificate is renewed the same way when it nears its end, so a server that runs for a year keeps working.
 *
 * <p>Thread-safe.
 */
public final class TlsContext {

    /** Newest first. */
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Mozilla "intermediate" (server side, ECDHE only), in the names the JDK uses. */
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** How often a new connection may trigger a look at the files. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(TlsContext.class);

    /** What one load produced; replaced as a whole so a reader never sees a context with another's certificate. */
    private record Loaded(SslContext context, TlsCredentials credentials) {
    }

    /** Replaced by {@link #use} when the configuration names other files; guarded by {@code this} for writes. */
    private volatile CertificateSource source;
    private final long checkIntervalNanos;
    private final AtomicLong nextCheck;
    private volatile Loaded current;
    /** The files as they were when last loaded or tried; guarded by {@code this}. */
    private CertificateSource.Stamp triedStamp;

    /** Loads the certificate now and checks for changes at most every {@link #DEFAULT_CHECK_INTERVAL}. */
    public TlsContext(CertificateSource source) throws IOException, GeneralSecurityException {
        this(source, DEFAULT_CHECK_INTERVAL);
    }

    /**
     * Loads the certificate now: a server must not start with a broken TLS configuration.
     *
     * @param checkInterval least time between two looks at the files; {@link Duration#ZERO} looks on every
     *     connection (tests)
     * @throws IOException or GeneralSecurityException with a message naming the file at fault
     */
    public TlsContext(CertificateSource source, Duration checkInterval) throws IOException, GeneralSecurityException {
        this.source = source;
        this.checkIntervalNanos = checkInterval.toNanos();
        synchronized (this) {
            this.triedStamp = source.stamp();
            this.current = build(source.load());
            noteOwnWrites();
        }
        this.nextCheck = new AtomicLong(System.nanoTime() + checkIntervalNanos);
    }

    /**
     * A handler for one new connection, to be put first in its pipeline: at accept time for implicit TLS
     * (ports 465, 993, 995, RFC 8314), or by {@link StartTls} after STARTTLS/STLS. Server mode; the client
     * speaks first (ClientHello).
     */
    public SslHandler newHandler(ByteBufAllocator allocator) {
        reloadIfChanged();
        SslHandler handler = current.context().newHandler(allocator);
        // Counted here because every server-side TLS session, implicit or after STARTTLS, starts here.
        handler.handshakeFuture().addListener(done -> {
            if (done.isSuccess()) Metrics.get().tlsSession(handler.engine().getSession().getProtocol());
        });
        return handler;
    }

    /** The certificate new connections get, e.g. for an admin status page or channel binding. */
    public X509Certificate certificate() {
        return current.credentials().leaf();
    }

    /**
     * Loads the certificate again now, whether or not the files changed (for SIGHUP or an admin command).
     *
     * @return true if a new context is in use; false if loading failed, which is logged, and the old one stays
     */
    public synchronized boolean reload() {
        triedStamp = source.stamp();
        try {
            current = build(source.load());
            noteOwnWrites();
            log.info("TLS: loaded {}, valid until {}", source, certificate().getNotAfter().toInstant());
            return true;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            log.warn("TLS: could not reload {}: {}; keeping the certificate in use", source, e.toString());
            return false;
        }
    }

    /**
     * Serves new connections from other files (a configuration reload named another certificate or key). Nothing
     * changes unless the new files load: a bad path keeps the certificate in use, and says why.
     *
     * @throws IOException or GeneralSecurityException naming the file at fault; the old certificate stays
     */
    public synchronized void use(CertificateSource next) throws IOException, GeneralSecurityException {
        CertificateSource.Stamp stamp = next.stamp();
        Loaded loaded = build(next.load());
        source = next;
        triedStamp = stamp;
        current = loaded;
        noteOwnWrites();
        log.info("TLS: now serving {}, valid until {}", next, certificate().getNotAfter().toInstant());
    }

    /*
     * The stamp is taken before loading, so a file replaced while we read it is seen at the next check. A
     * self-signed load may have written the files itself; those writes are ours and need no second load.
     */
    private void noteOwnWrites() {
        if (source.isSelfSigned()) {
            triedStamp = source.stamp();
        }
    }

    private void reloadIfChanged() {
        long now = System.nanoTime();
        long due = nextCheck.get();
        // Only the one connection that wins the compare-and-set looks; the others go on at once.
        if (now - due < 0 || !nextCheck.compareAndSet(due, now + checkIntervalNanos)) {
            return;
        }
        boolean changed;
        synchronized (this) {
            changed = !source.stamp().equals(triedStamp) || source.renewalDue(current.credentials());
        }
        if (changed) {
            reload();
        }
    }

    private static Loaded build(TlsCredentials credentials) throws SSLException {
        SslContext context = SslContextBuilder.forServer(credentials.privateKey(), credentials.chain())
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .ciphers(CIPHER_SUITES, SupportedCipherSuiteFilter.INSTANCE)
                .build();
        return new Loaded(context, credentials);
    }
}

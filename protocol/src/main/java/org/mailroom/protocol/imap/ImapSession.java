package org.mailroom.protocol.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.compression.JdkZlibDecoder;
import io.netty.handler.codec.compression.JdkZlibEncoder;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.core.auth.SaslChannel;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.SpecialMailboxes;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MailboxEvent;
import org.mailroom.core.store.Quota;
import org.mailroom.protocol.tls.ChannelBinding;
import org.mailroom.protocol.tls.StartTls;
import org.mailroom.protocol.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection. Runs on a blocking executor (never the event loop), which hands it one event at a
 * time, in order: commands, and the store's change events, which are passed to the same executor so that
 * all of this object's fields are only ever touched by one thread at a time.
 *
 * <p>Each command is parsed by {@link ImapParser}, looked up in {@link CommandTable}, checked against the
 * {@link State}, and run. Before its tagged reply, the session tells the client what other sessions changed
 * in the selected mailbox ({@link SelectedMailbox#sync}); EXPUNGE responses are held back after FETCH, STORE
 * and SEARCH (RFC 9051 section 7.5.1), because the client may be matching sequence numbers at that moment.
 *
 * <p>Logins: passwords in the clear (LOGIN, AUTHENTICATE PLAIN and LOGIN) only under TLS, from loopback, or where
 * the settings allow them everywhere; elsewhere LOGINDISABLED is announced and STARTTLS offered. The tagged NO of
 * a failed login waits for the shared {@link LoginGuard}'s delay without holding this thread: commands that arrive
 * meanwhile are queued and the channel stops reading.
 */
public final class ImapSession extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);

    /** RFC 9051 section 3. */
    public enum State { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED, LOGOUT }

    private final ImapSettings settings;
    private final MailStore store;
    private final Quota quota;
    private final BlobStore blobs;
    private final MessageStructureSource structure;
    private final SaslMechanisms sasl;
    private final LoginGuard loginGuard;
    /** Offered with STARTTLS, or null for none; port 993 has TLS before the session starts. */
    private final TlsContext tls;

    private ChannelHandlerContext ctx;
    private LoginGuard.Connection guard;
    /** Set while the STARTTLS command that starts TLS is handled: StartTls resumes the decoder, not we. */
    private boolean startingTls;
    /** A failed login's NO is waiting for its delay; commands queue in {@link #waiting}. */
    private boolean delaying;
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private State state = State.NOT_AUTHENTICATED;
    private String account;
    private SelectedMailbox selected;
    private AutoCloseable storeSubscription;
    private Continuation continuation;
    private final Set<String> enabled = new LinkedHashSet<>();
    private String outcome = "disconnected";
    /** COMPRESS DEFLATE was accepted (RFC 4978): a second one gets NO [COMPRESSIONACTIVE]. */
    private boolean compressing;
    /**
     * The reply being built, written to the channel as one buffer when the command ends (or every {@link #CHUNK}):
     * each write from this thread is a task for the event loop, and each flush wakes it up, so one write and one
     * flush per command rather than one per line or per FETCH response.
     */
    private ByteBuf pending;

    /** A reply longer than this goes out in pieces of this size, so a large FETCH never sits whole in memory. */
    private static final int CHUNK = 64 * 1024;

    public ImapSession(ImapSettings settings, MailStore store, BlobStore blobs, MessageStructureSource structure,
                       SaslMechanisms sasl, LoginGuard loginGuard, TlsContext tls) {
        this(settings, store, blobs, structure, sasl, loginGuard, tls, new Quota(store, settings.mailboxQuota()));
    }

    /** @param quota each account's storage limit (its own from the directory, or the default) */
    public ImapSession(ImapSettings settings, MailStore store, BlobStore blobs, MessageStructureSource structure,
                       SaslMechanisms sasl, LoginGuard loginGuard, TlsContext tls, Quota quota) {
        this.settings = settings;
        this.store = store;
        this.quota = quota;
        this.blobs = blobs;
        this.structure = structure;
        this.sasl = sasl;
        this.loginGuard = loginGuard;
        this.tls = tls;
    }

    // ---- Netty events ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        SocketAddress remote = ctx.channel().remoteAddress();
        guard = loginGuard.connection(remote instanceof InetSocketAddress a ? a.getAddress() : null);
        SslHandler implicitTls = ctx.pipeline().get(SslHandler.class);
        if (implicitTls != null && !implicitTls.handshakeFuture().isDone()) {
            // Port 993: greet after the handshake, whose certificate SCRAM-SHA-256-PLUS binds to, so that the
            // greeting's capabilities already offer it.
            implicitTls.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) ctx.executor().execute(this::greet);
            });
        } else {
            greet();
        }
    }

    private void greet() {
        send("* OK [CAPABILITY " + capabilities() + "] " + settings.hostname() + " Mailroom IMAP ready");
        flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        this.ctx = ctx;
        if (delaying) {
            waiting.add(msg);
            return;
        }
        handle(msg);
        flush();
    }

    private void handle(Object msg) {
        try {
            handleCommand(msg);
        } finally {
            if (msg instanceof ImapDecoder.Command c) c.done(); // its literal memory, held since the decoder
        }
    }

    private void handleCommand(Object msg) {
        if (state == State.LOGOUT) return;
        try {
            if (msg instanceof ImapDecoder.Refused refused) {
                continuation = null;
                // A full literal budget is a NO (try again later, RFC 5530 LIMIT); a limit crossed is a BAD.
                send(refused.tag() + (refused.temporary() ? " NO " : " BAD ") + refused.reason());
            } else {
                byte[] bytes = ((ImapDecoder.Command) msg).bytes();
                if (continuation != null) {
                    Continuation next = continuation;
                    continuation = null;
                    next.line(this, new String(bytes, StandardCharsets.UTF_8));
                } else {
                    command(bytes);
                }
            }
        } catch (Exception e) {
            LOG.warn("IMAP command failed for {}", account == null ? clientIp() : account, e);
            send("* BAD [SERVERBUG] Internal error");
        } finally {
            // The decoder waits after any line that reads "tag STARTTLS"; unless TLS is starting, it reads on.
            if (msg instanceof ImapDecoder.Command c && ImapDecoder.isStartTls(c.bytes()) && !startingTls) {
                ImapDecoder decoder = ctx.pipeline().get(ImapDecoder.class);
                if (decoder != null) ctx.channel().eventLoop().execute(decoder::resume);
            }
            startingTls = false;
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == org.mailroom.protocol.Listener.STOPPING) {
            // Between two commands (this handler runs them one at a time): RFC 9051 section 7.1.5 allows BYE
            // at any time. A literal half received is not acknowledged, so the client still has it.
            if (this.ctx != null && state != State.LOGOUT) {
                outcome = "server stopping";
                send("* BYE Server shutting down");
                closeAfterWrite();
            }
            return;
        }
        if (event instanceof IdleStateEvent) {
            outcome = "idle timeout";
            send("* BYE Autologout; idle for too long");
            closeAfterWrite();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("IMAP connection error from {}: {}", clientIp(), cause.toString());
        } else {
            LOG.warn("IMAP session error from {}", clientIp(), cause);
            outcome = "error";
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopListening();
        dropWaiting();
        if (pending != null) {
            pending.release();
            pending = null;
        }
        LOG.info("IMAP session closed: client={} user={} result={}", clientIp(), account == null ? "-" : account,
                outcome);
    }

    /** Commands queued behind a login delay that will never run give their literal memory back. */
    private void dropWaiting() {
        for (Object msg : waiting) if (msg instanceof ImapDecoder.Command c) c.done();
        waiting.clear();
    }

    // ---- dispatch ----

    private void command(byte[] bytes) throws IOException {
        ImapParser.Parsed parsed;
        try {
            parsed = ImapParser.parse(bytes);
        } catch (BadCommandException e) {
            send(ImapParser.tagOf(bytes) + " BAD " + e.getMessage());
            return;
        }
        String name = parsed.name();
        Arguments args = new Arguments(parsed.arguments());
        boolean uid = name.equals("UID");
        if (uid) {
            try {
                name = args.atom("the command after UID").toUpperCase(Locale.ROOT);
            } catch (BadCommandException e) {
                send(parsed.tag() + " BAD " + e.getMessage());
                return;
            }
        }
        CommandTable.Entry entry = uid ? CommandTable.UID_COMMANDS.get(name) : CommandTable.COMMANDS.get(name);
        Request request = new Request(parsed.tag(), name, uid, args);
        if (entry == null) {
            send(parsed.tag() + " BAD Unknown command " + request.fullName());
            return;
        }
        if (!entry.states().contains(state)) {
            send(parsed.tag() + " BAD " + request.fullName() + " is not valid in the " + state + " state");
            return;
        }
        try {
            entry.command().execute(this, request);
        } catch (BadCommandException e) {
            send(parsed.tag() + " BAD " + e.getMessage());
        } catch (MailStoreException.NotFound e) {
            send(parsed.tag() + " NO [NONEXISTENT] " + e.getMessage());
        } catch (MailStoreException.AlreadyExists e) {
            send(parsed.tag() + " NO [ALREADYEXISTS] " + e.getMessage());
        } catch (MailStoreException e) {
            send(parsed.tag() + " NO [CANNOT] " + e.getMessage());
        } catch (IOException e) {
            // The store or its database is away: RFC 5530 section 3 UNAVAILABLE, a temporary failure the
            // client may retry; the session stays as it was.
            LOG.warn("IMAP {} failed for {}: {}", request.fullName(), account, e.toString());
            send(parsed.tag() + " NO [UNAVAILABLE] " + request.fullName() + " failed, try again later");
        } catch (RuntimeException e) {
            // Never a stack trace to the client; the tag tells it which command failed.
            LOG.warn("IMAP {} failed for {}", request.fullName(), account, e);
            send(parsed.tag() + " NO [SERVERBUG] " + request.fullName() + " failed");
        }
    }

    // ---- what commands use ----

    public ImapSettings settings() {
        return settings;
    }

    public MailStore store() {
        return store;
    }

    public BlobStore blobs() {
        return blobs;
    }

    /** Each account's storage limit (RFC 9208): quota root "" holds all of the account's mailboxes. */
    public Quota quota() {
        return quota;
    }

    public MessageStructureSource structure() {
        return structure;
    }

    /** The shared SASL mechanisms; LOGIN checks passwords through {@code sasl().authenticator()}. */
    public SaslMechanisms sasl() {
        return sasl;
    }

    /** This connection's side of the shared login guard. */
    public LoginGuard.Connection guard() {
        return guard;
    }

    public State state() {
        return state;
    }

    public String account() {
        return account;
    }

    public SelectedMailbox selected() {
        return selected;
    }

    public boolean isEnabled(String extension) {
        return enabled.contains(extension);
    }

    public void enable(String extension) {
        enabled.add(extension);
    }

    /** IMAP4rev2 was enabled: the rev2 rules apply (RFC 9051 appendix E). */
    public boolean rev2() {
        return enabled.contains("IMAP4REV2");
    }

    /**
     * Passwords in the clear only under TLS, or from this machine where allowed (loopback cannot be sniffed),
     * or where the settings allow it everywhere: the same policy as POP3.
     */
    public boolean plaintextAuthAllowed() {
        return tlsActive() || settings.plaintextAuthWithoutTls()
                || (settings.plaintextAuthFromLoopback() && fromLoopback());
    }

    public boolean tlsActive() {
        return StartTls.isActive(ctx.channel());
    }

    /** STARTTLS can start here: a certificate is configured and the connection is not encrypted yet. */
    public boolean tlsOffered() {
        return tls != null && !tlsActive();
    }

    /** What SASL needs to know of this connection: TLS, whether plaintext is allowed, the channel binding. */
    public SaslChannel saslChannel() {
        if (!tlsActive()) return SaslChannel.cleartext(plaintextAuthAllowed());
        try {
            return SaslChannel.encrypted(ChannelBinding.tlsServerEndPoint(ctx.channel()).orElse(null));
        } catch (GeneralSecurityException e) {
            LOG.debug("no channel binding: {}", e.toString());
            return SaslChannel.encrypted(null);
        }
    }

    /** What we announce; only what is implemented and exercised by a test. */
    public String capabilities() {
        StringBuilder caps = new StringBuilder("IMAP4rev1 IMAP4rev2");
        if (state == State.NOT_AUTHENTICATED) caps.append(loginCapabilities());
        caps.append(" LITERAL+ ENABLE ID IDLE NAMESPACE UNSELECT UIDPLUS MOVE CHILDREN SPECIAL-USE LIST-EXTENDED BINARY")
                .append(" LIST-STATUS STATUS=SIZE ESEARCH SEARCHRES CONDSTORE QRESYNC APPENDLIMIT=").append(settings.maxLiteralSize());
        caps.append(" MULTIAPPEND");
        caps.append(" UTF8=ACCEPT");
        caps.append(" SORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES");
        caps.append(" QUOTA QUOTA=RES-STORAGE");
        caps.append(" CREATE-SPECIAL-USE");
        caps.append(" COMPRESS=DEFLATE");
        return caps.toString();
    }

    /**
     * Before login (RFC 9051 sections 6.2.1-6.2.3, RFC 4959): STARTTLS where it can start, LOGINDISABLED where
     * passwords may not cross in the clear, and the SASL mechanisms this connection allows. Computed afresh each
     * time, so after STARTTLS the client sees the list for the encrypted connection.
     */
    private String loginCapabilities() {
        StringBuilder caps = new StringBuilder();
        if (tlsOffered()) caps.append(" STARTTLS");
        if (!plaintextAuthAllowed()) caps.append(" LOGINDISABLED");
        for (String mechanism : sasl.offered(saslChannel())) caps.append(" AUTH=").append(mechanism);
        return caps.append(" SASL-IR").toString();
    }

    /** Sends one line; CRLF is added. Written and flushed when the command ends (or the IDLE event is handled). */
    public void send(CharSequence line) {
        ByteBuf out = pending();
        out.writeCharSequence(line, StandardCharsets.UTF_8);
        out.writeByte('\r').writeByte('\n');
        if (out.readableBytes() >= CHUNK) writeChunk();
    }

    /**
     * Sends bytes as they are (a response holding literals, one per message of a FETCH); the caller ends them with
     * CRLF. Backpressure: every {@link #CHUNK} the bytes go out, and while the client reads slower than we fetch,
     * we wait for the socket to take them, so {@code FETCH 1:* BODY[]} never holds more than a few chunks in
     * memory. The wait uses the channel's future (completed on the event loop), never one of this handler's
     * executor, which is the waiting thread.
     */
    public void send(byte[] bytes) {
        ByteBuf out = pending();
        out.writeBytes(bytes);
        if (out.readableBytes() >= CHUNK) writeChunk();
    }

    /**
     * Sends {@code prefix} (ending in a literal's {@code {n}\r\n}) and then {@code length} octets of a blob from
     * {@code offset}, read and written a chunk at a time under the same backpressure as {@link #send(byte[])}: a
     * 30 MiB {@code BODY[]} never sits whole in memory. The blob is opened before the prefix goes out; a failure
     * once the literal has begun closes the connection, since the client would read whatever follows as message
     * text.
     */
    public void sendBlob(byte[] prefix, String blobId, long offset, long length) throws IOException {
        try (InputStream in = blobs.open(blobId)) {
            in.skipNBytes(offset);
            send(prefix);
            try {
                byte[] buffer = new byte[(int) Math.min(CHUNK, Math.max(length, 1))];
                for (long left = length; left > 0; ) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) throw new java.io.EOFException("message " + blobId + " is shorter than its structure says");
                    pending().writeBytes(buffer, 0, n);
                    left -= n;
                    if (pending.readableBytes() >= CHUNK) writeChunk();
                }
            } catch (IOException | RuntimeException e) {
                ctx.channel().close();
                throw e;
            }
        }
    }

    private ByteBuf pending() {
        if (pending == null) pending = ctx.alloc().buffer(512);
        return pending;
    }

    /** A full chunk goes out now; while the client reads slower than we produce, wait for the socket. */
    private void writeChunk() {
        // The channel's future, completed on the event loop: one of ours would be this thread's to complete.
        io.netty.channel.ChannelFuture written = ctx.channel().writeAndFlush(pending);
        pending = null;
        if (!ctx.channel().isWritable()) written.awaitUninterruptibly(settings.idleTimeout().toMillis());
    }

    public void untagged(String text) {
        send("* " + text);
    }

    /** The tagged OK, after telling the client what changed meanwhile. */
    public void ok(Request request, String text) throws IOException {
        syncBeforeReply(request);
        send(request.tag() + " OK " + text);
    }

    public void no(Request request, String text) throws IOException {
        syncBeforeReply(request);
        send(request.tag() + " NO " + text);
    }

    public void bad(Request request, String text) {
        send(request.tag() + " BAD " + text);
    }

    /** Writes what was sent since the last flush, in one write and one flush; nothing when there is nothing. */
    public void flush() {
        if (pending == null) return;
        if (pending.isReadable()) {
            ctx.writeAndFlush(pending);
        } else {
            pending.release();
        }
        pending = null;
    }

    /** Flushes what was sent, then closes the connection once it is written. */
    private void closeAfterWrite() {
        ByteBuf last = pending == null ? Unpooled.EMPTY_BUFFER : pending;
        pending = null;
        ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }

    /** The next line goes to {@code next} instead of being parsed as a command. */
    public void expectContinuation(Continuation next) {
        continuation = next;
    }

    /** RFC 9051 section 7.5.1: no EXPUNGE while the client may be using sequence numbers (FETCH, STORE, SEARCH). */
    private void syncBeforeReply(Request request) throws IOException {
        if (selected == null) return;
        boolean mayExpunge = request.uid() || !Set.of("FETCH", "STORE", "SEARCH").contains(request.name());
        selected.sync(this, mayExpunge);
    }

    // ---- state changes ----

    /** A successful login: AUTHENTICATED, special-use mailboxes made if missing, change events followed. */
    public void loggedIn(String canonicalAccount) throws IOException {
        account = canonicalAccount;
        state = State.AUTHENTICATED;
        ImapDecoder decoder = ctx.pipeline().get(ImapDecoder.class);
        if (decoder != null) decoder.loggedIn();
        outcome = "logged out";
        SpecialMailboxes.ensure(store, account); // RFC 6154 set at the first login
        // Events come on the store's thread; handle them on ours, in order with the commands.
        storeSubscription = store.subscribe(account, event -> {
            if (ctx != null) ctx.executor().execute(() -> onMailboxEvent(event));
        });
        LOG.debug("IMAP login {}", account);
    }

    /** LOGIN or AUTHENTICATE succeeded: the tagged OK carries the capabilities of the new state (RFC 9051 7.1). */
    public void authenticated(Request request, String canonicalAccount) throws IOException {
        guard.succeeded();
        loggedIn(canonicalAccount);
        ok(request, "[CAPABILITY " + capabilities() + "] Logged in");
    }

    /**
     * A failed login: the tagged NO ({@code text} starts with its response code) waits for the guard's delay,
     * without holding this thread; after the last allowed failure, BYE and close.
     */
    public void loginFailed(Request request, String text) {
        Metrics.get().loginFailed("imap");
        Duration delay = guard.failed();
        boolean close = guard.exhausted();
        if (close) outcome = "too many login failures";
        if (delay.isZero()) {
            failedReply(request, text, close);
            return;
        }
        delaying = true;
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> {
            delaying = false;
            if (!ctx.channel().isActive()) return;
            failedReply(request, text, close);
            if (!close) ctx.channel().config().setAutoRead(true);
            Object next;
            while (!delaying && state != State.LOGOUT && (next = waiting.poll()) != null) handle(next);
            if (state == State.LOGOUT) dropWaiting();
            flush();
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void failedReply(Request request, String text, boolean close) {
        send(request.tag() + " NO " + text);
        if (close) {
            untagged("BYE Too many failed logins");
            closeAfterReply();
        }
    }

    /**
     * STARTTLS accepted (RFC 9051 section 6.2.1): the tagged OK in plain text, then the handshake, through
     * {@link StartTls} (which closes the connection if the client sent anything behind the command). Nothing was
     * learned before that needs forgetting: the state is NOT_AUTHENTICATED and capabilities are computed afresh.
     */
    public void startTls(Request request) {
        startingTls = true;
        flush();
        String ready = request.tag() + " OK Begin TLS negotiation now\r\n";
        StartTls.upgrade(ctx.channel(), tls, Unpooled.copiedBuffer(ready, StandardCharsets.US_ASCII))
                .addListener(handshake -> {
                    if (!handshake.isSuccess()) {
                        ctx.executor().execute(() -> outcome = "STARTTLS failed: " + handshake.cause());
                    }
                });
    }

    /**
     * Most bytes one read of compressed input may inflate to. Text compresses about tenfold; a read is at most 64
     * KiB; an input inflating beyond this is a deflate bomb, and the connection is closed. The decoder behind it
     * still bounds lines and literals.
     */
    private static final int MAX_INFLATED_PER_READ = 16 << 20;

    public boolean compressing() {
        return compressing;
    }

    /**
     * COMPRESS DEFLATE accepted (RFC 4978 section 3): the tagged OK goes out uncompressed, then raw deflate (RFC
     * 1951, no zlib header) works both ways, placed right after TLS when there is TLS (so TLS carries compressed
     * bytes) or at the socket. The OK and the new handlers are one task on the event loop, queued behind every
     * response written before, so no byte passes between them; the client sends compressed data only after the OK.
     * The encoder ends each write with a sync flush, so every response reaches the client whole at once.
     */
    public void startCompression(Request request) throws IOException {
        syncBeforeReply(request);
        compressing = true;
        flush();
        ByteBuf ok = Unpooled.copiedBuffer(request.tag() + " OK DEFLATE active\r\n", StandardCharsets.US_ASCII);
        ctx.channel().eventLoop().execute(() -> {
            ctx.writeAndFlush(ok);
            ChannelPipeline pipeline = ctx.pipeline();
            SslHandler tls = pipeline.get(SslHandler.class);
            JdkZlibDecoder inflate = new JdkZlibDecoder(ZlibWrapper.NONE, MAX_INFLATED_PER_READ);
            JdkZlibEncoder deflate = new JdkZlibEncoder(ZlibWrapper.NONE);
            if (tls != null) {
                String after = pipeline.context(tls).name();
                pipeline.addAfter(after, "deflate", deflate);
                pipeline.addAfter(after, "inflate", inflate);
            } else {
                pipeline.addFirst("deflate", deflate);
                pipeline.addFirst("inflate", inflate);
            }
        });
    }

    /** Too many failures: say goodbye and close after the tagged NO. */
    public void closeAfterReply() {
        state = State.LOGOUT;
        closeAfterWrite();
    }

    /**
     * SELECT or EXAMINE. In IMAP4rev1 a SELECT claims the mailbox's new messages as \Recent for this session, an
     * EXAMINE only looks (RFC 3501 sections 2.3.2, 6.3.2); IMAP4rev2 has no \Recent (RFC 9051 appendix E).
     */
    public void select(Mailbox mailbox, boolean readOnly) throws IOException {
        SelectedMailbox.RecentMode recent = rev2() ? SelectedMailbox.RecentMode.NONE
                : readOnly ? SelectedMailbox.RecentMode.LOOK : SelectedMailbox.RecentMode.CLAIM;
        selected = SelectedMailbox.open(store, mailbox, readOnly, recent);
        state = State.SELECTED;
    }

    public void unselect() {
        selected = null;
        state = State.AUTHENTICATED;
    }

    public void logout() {
        outcome = "logged out";
        state = State.LOGOUT;
        stopListening();
    }

    private void onMailboxEvent(MailboxEvent event) {
        if (selected == null || event.mailboxId() != selected.mailbox().id()) return;
        selected.markChanged();
        if (continuation instanceof IdleContinuation) {
            try {
                selected.sync(this, true);
                flush();
            } catch (IOException e) {
                LOG.warn("IMAP IDLE update failed for {}", account, e);
            }
        }
    }

    private void stopListening() {
        if (storeSubscription == null) return;
        try {
            storeSubscription.close();
        } catch (Exception e) {
            LOG.debug("unsubscribing", e);
        }
        storeSubscription = null;
    }

    private boolean fromLoopback() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress().isLoopbackAddress();
    }

    private String clientIp() {
        if (ctx == null) return null;
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : null;
    }
}

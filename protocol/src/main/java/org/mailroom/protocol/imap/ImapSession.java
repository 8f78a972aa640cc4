package org.mailroom.protocol.imap;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslChannel;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.SpecialMailboxes;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MailboxEvent;
import org.mailroom.core.store.Quota;
import org.mailroom.protocol.FailedLogin;
import org.mailroom.protocol.SessionLog;
import org.mailroom.protocol.tls.LoginSecurity;
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
public final class ImapSession extends ChannelInboundHandlerAdapter implements FailedLogin.Queue {

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
    /** The reply being built, written as one buffer when the command ends; set at channelActive. */
    private ImapOutput out;

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
        out = new ImapOutput(ctx, settings.idleTimeout().toMillis());
        guard = loginGuard.connection(SessionLog.clientAddress(ctx));
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
                    CommandDispatch.run(this, bytes);
                }
            }
        } catch (Exception e) {
            LOG.warn("IMAP command failed for {}", account == null ? SessionLog.clientIp(ctx) : account, e);
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
                out.closeAfterWrite(); // flushes what was sent, then closes
            }
            return;
        }
        if (event instanceof IdleStateEvent) {
            outcome = "idle timeout";
            send("* BYE Autologout; idle for too long");
            out.closeAfterWrite(); // flushes what was sent, then closes
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (SessionLog.failure(LOG, "IMAP", ctx, cause)) outcome = "error";
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopListening();
        dropWaiting();
        if (out != null) out.release();
        LOG.info("IMAP session closed: client={} user={} result={}", SessionLog.clientIp(ctx),
                account == null ? "-" : account, outcome);
    }

    /** Commands queued behind a login delay that will never run give their literal memory back. */
    private void dropWaiting() {
        for (Object msg : waiting) if (msg instanceof ImapDecoder.Command c) c.done();
        waiting.clear();
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
        return LoginSecurity.plaintextAllowed(ctx.channel(), settings.plaintextAuthWithoutTls(),
                settings.plaintextAuthFromLoopback());
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
        return LoginSecurity.saslChannel(ctx.channel(), plaintextAuthAllowed());
    }

    /** What we announce ({@link ImapCapabilities}), for this state and connection. */
    public String capabilities() {
        return ImapCapabilities.of(this);
    }

    /** Sends one line; CRLF is added. Written and flushed when the command ends (or the IDLE event is handled). */
    public void send(CharSequence line) {
        out.line(line);
    }

    /**
     * Sends bytes as they are (a response holding literals, one per message of a FETCH); the caller ends them with
     * CRLF. Written in chunks under backpressure ({@link ImapOutput#bytes}).
     */
    public void send(byte[] bytes) {
        out.bytes(bytes);
    }

    /**
     * Sends {@code prefix} (ending in a literal's {@code {n}\r\n}) and then {@code length} octets of a blob from
     * {@code offset}, a chunk at a time: a 30 MiB {@code BODY[]} never sits whole in memory ({@link ImapOutput#blob}).
     */
    public void sendBlob(byte[] prefix, String blobId, long offset, long length) throws IOException {
        out.blob(prefix, blobs, blobId, offset, length);
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
        out.flush();
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
     * Refuses a failed login through {@link FailedLogin} ({@link ImapLogin#failed}): after the guard's delay, without
     * holding this thread; meanwhile the channel stops reading and commands queue, to run after the refusal.
     *
     * @param refusal writes the tagged NO; given true after the last allowed failure, when it also closes
     * @return whether this was the last allowed failure
     */
    boolean refuseLogin(Consumer<Boolean> refusal) {
        return FailedLogin.refuse("imap", guard, ctx, this, refusal);
    }

    @Override
    public void hold(boolean held) {
        delaying = held;
        if (held) ctx.channel().config().setAutoRead(false);
    }

    /** After a failed login's NO: reads on unless it closed, and runs the commands that queued meanwhile. */
    @Override
    public void drain() {
        if (state != State.LOGOUT) ctx.channel().config().setAutoRead(true);
        Object next;
        while (!delaying && state != State.LOGOUT && (next = waiting.poll()) != null) handle(next);
        if (state == State.LOGOUT) dropWaiting();
        flush();
    }

    void setOutcome(String outcome) {
        this.outcome = outcome;
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

    public boolean compressing() {
        return compressing;
    }

    /**
     * COMPRESS DEFLATE accepted (RFC 4978 section 3): the tagged OK goes out uncompressed, then deflate works both
     * ways ({@link Compression}).
     */
    public void startCompression(Request request) throws IOException {
        syncBeforeReply(request);
        compressing = true;
        flush();
        Compression.start(ctx, Unpooled.copiedBuffer(request.tag() + " OK DEFLATE active\r\n", StandardCharsets.US_ASCII));
    }

    /** Too many failures: say goodbye and close after the tagged NO. */
    public void closeAfterReply() {
        state = State.LOGOUT;
        out.closeAfterWrite(); // flushes what was sent, then closes
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
}

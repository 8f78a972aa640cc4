package org.mailroom.protocol.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.core.auth.SaslChannel;
import org.mailroom.core.auth.SaslExchange;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.auth.SaslStep;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.protocol.tls.ChannelBinding;
import org.mailroom.protocol.tls.StartTls;
import org.mailroom.protocol.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 connection. Runs on a blocking executor (never the event loop): logins hash passwords and every
 * command may read the store. Netty hands this handler one event at a time, in order.
 *
 * <p>Lines are queued and handled one by one; while a RETR or TOP is being streamed the queue waits and the
 * channel stops reading, so pipelined commands (RFC 2449 section 6.6) get their replies in order and the queue
 * cannot grow.
 */
final class Pop3Session extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(Pop3Session.class);

    /** RFC 1939 section 3. */
    enum State { AUTHORIZATION, TRANSACTION, UPDATE }

    private static final Set<State> BEFORE_LOGIN = EnumSet.of(State.AUTHORIZATION);
    private static final Set<State> LOGGED_IN = EnumSet.of(State.TRANSACTION);
    private static final Set<State> ANY = EnumSet.of(State.AUTHORIZATION, State.TRANSACTION);

    /** Every verb and the states it is valid in (RFC 1939 sections 4-7, RFC 2449 section 5, RFC 5034). */
    enum Verb {
        USER(BEFORE_LOGIN), PASS(BEFORE_LOGIN), AUTH(BEFORE_LOGIN), STLS(BEFORE_LOGIN),
        CAPA(ANY), QUIT(ANY),
        STAT(LOGGED_IN), LIST(LOGGED_IN), RETR(LOGGED_IN), DELE(LOGGED_IN), NOOP(LOGGED_IN), RSET(LOGGED_IN),
        TOP(LOGGED_IN), UIDL(LOGGED_IN);

        final Set<State> validIn;

        Verb(Set<State> validIn) {
            this.validIn = validIn;
        }

        private static final Map<String, Verb> BY_NAME = new HashMap<>();

        static {
            for (Verb v : values()) BY_NAME.put(v.name(), v);
        }

        static Verb find(String word) {
            return BY_NAME.get(word.toUpperCase(Locale.ROOT));
        }
    }

    private final Pop3Settings settings;
    private final MailStore store;
    private final BlobStore blobs;
    private final SaslMechanisms sasl;
    private final LoginGuard loginGuard;

    private State state = State.AUTHORIZATION;
    /** Offered with STLS (RFC 2595), or null for none; port 995 has TLS before the session starts. */
    private final TlsContext tls;
    private ChannelHandlerContext sessionCtx;
    /** Set while STLS hands the connection to TLS: the decoder is then resumed by StartTls, not by us. */
    private boolean upgrading;
    /** USER given, waiting for PASS. */
    private String pendingUser;
    /** The SASL exchange in progress: the next line is the client's response (RFC 5034 section 4). */
    private SaslExchange exchange;
    /** The reply to a failed login waits for the guard's delay; lines queue meanwhile. */
    private boolean delaying;
    private LoginGuard.Connection guard;
    private String account;
    private AutoCloseable maildropLock;
    private Maildrop maildrop;

    private final ArrayDeque<Object> pendingLines = new ArrayDeque<>();
    private DotStuffingReader transfer;
    /** Set once the connection is to be closed: further lines are ignored. */
    private boolean closing;

    // For the one log line at the end.
    private String loginName;
    private int retrieved;
    private int deleted;
    private String outcome = "disconnected";

    Pop3Session(Pop3Settings settings, MailStore store, BlobStore blobs, SaslMechanisms sasl, LoginGuard loginGuard,
                TlsContext tls) {
        this.tls = tls;
        this.settings = settings;
        this.store = store;
        this.blobs = blobs;
        this.sasl = sasl;
        this.loginGuard = loginGuard;
    }

    // ---- Netty events ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        sessionCtx = ctx;
        SocketAddress remote = ctx.channel().remoteAddress();
        guard = loginGuard.connection(remote instanceof InetSocketAddress ? ((InetSocketAddress) remote).getAddress() : null);
        // No APOP, so no timestamp in the greeting (RFC 1939 section 7).
        ctx.writeAndFlush("+OK " + settings.hostname() + " Mailroom POP3 ready");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        pendingLines.add(msg);
        drain(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (transfer != null && ctx.channel().isWritable()) {
            pump(ctx);
            drain(ctx);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == org.mailroom.protocol.Listener.STOPPING) {
            // Between two commands; a message being sent is left to finish (the server closes it at the end of
            // its grace). Closing without QUIT never enters UPDATE: no message is deleted.
            if (sessionCtx != null && transfer == null && !closing) {
                outcome = "server stopping";
                closing = true;
                ctx.writeAndFlush("-ERR server shutting down").addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        if (event instanceof IdleStateEvent) {
            // RFC 1939 section 3: the autologout timer closes the connection without entering UPDATE.
            outcome = "idle timeout";
            closing = true;
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("POP3 connection error from {}: {}", clientIp(ctx), cause.toString());
        } else {
            LOG.warn("POP3 session error from {}", clientIp(ctx), cause);
            outcome = "error";
        }
        closing = true;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeTransfer();
        releaseLock();
        pendingLines.clear();
        LOG.info("POP3 session closed: client={} user={} retrieved={} deleted={} result={}",
                clientIp(ctx), loginName == null ? "-" : loginName, retrieved, deleted, outcome);
    }

    // ---- the queue of lines and the streaming of messages ----

    private void drain(ChannelHandlerContext ctx) {
        Object next;
        while (transfer == null && !delaying && !closing && (next = pendingLines.poll()) != null) {
            handle(ctx, next);
        }
        if (closing) pendingLines.clear();
        ctx.flush();
        ctx.channel().config().setAutoRead(transfer == null && !delaying);
    }

    /** Writes chunks of the message being sent while the channel takes them. */
    private void pump(ChannelHandlerContext ctx) {
        try {
            while (transfer != null && ctx.channel().isWritable()) {
                ByteBuf chunk = transfer.nextChunk(ctx.alloc());
                if (chunk != null) ctx.writeAndFlush(chunk);
                if (transfer.finished()) closeTransfer();
            }
        } catch (IOException | RuntimeException e) {
            // The +OK and part of the message are out: no -ERR can follow, only closing tells the client.
            LOG.warn("POP3 reading message for {} failed", account, e);
            closeTransfer();
            outcome = "error while sending a message";
            closing = true;
            ctx.close();
        }
    }

    private void closeTransfer() {
        if (transfer == null) return;
        try {
            transfer.close();
        } catch (IOException e) {
            LOG.debug("closing blob stream", e);
        }
        transfer = null;
    }

    private void handle(ChannelHandlerContext ctx, Object input) {
        try {
            if (input == Pop3Decoder.Signal.LINE_TOO_LONG) {
                exchange = null; // a response cut short ends the exchange
                reply(ctx, "-ERR Line too long");
            } else if (exchange != null) {
                saslStep(ctx, exchange.respond((String) input));
            } else {
                command(ctx, (String) input);
            }
        } catch (Exception e) {
            // Never a stack trace to the client.
            LOG.warn("POP3 command failed for {}", loginName == null ? clientIp(ctx) : loginName, e);
            reply(ctx, "-ERR [SYS/TEMP] internal error");
        } finally {
            // The decoder waits after any line that reads STLS; unless TLS is starting, it reads on.
            if (input instanceof String && Pop3Decoder.isStls((String) input) && !upgrading) {
                Pop3Decoder decoder = ctx.pipeline().get(Pop3Decoder.class);
                ctx.channel().eventLoop().execute(decoder::resume);
            }
        }
    }

    /** STLS (RFC 2595 section 4): only before login, only once. */
    private void stls(ChannelHandlerContext ctx) {
        if (tls == null) {
            reply(ctx, "-ERR STLS not available");
        } else if (tlsActive(ctx)) {
            reply(ctx, "-ERR already using TLS");
        } else {
            upgrading = true;
            ctx.flush();
            StartTls.upgrade(ctx.channel(), tls, "+OK Begin TLS negotiation").addListener(handshake -> {
                // RFC 2595: the client forgets what it learned (CAPA again); nothing was logged in yet.
                if (handshake.isSuccess()) ctx.executor().execute(() -> {
                    upgrading = false;
                    pendingUser = null;
                });
            });
        }
    }

    private static boolean tlsActive(ChannelHandlerContext ctx) {
        return StartTls.isActive(ctx.channel());
    }

    // ---- the commands ----

    private void command(ChannelHandlerContext ctx, String line) throws IOException {
        int space = line.indexOf(' ');
        String word = space < 0 ? line : line.substring(0, space);
        String rest = space < 0 ? "" : line.substring(space + 1);
        Verb verb = Verb.find(word);
        if (verb == null) {
            reply(ctx, "-ERR unknown command");
            return;
        }
        if (!verb.validIn.contains(state)) {
            reply(ctx, "-ERR " + verb + " not valid in the " + state + " state");
            return;
        }
        // RFC 1939 section 7: PASS may treat spaces as part of the password, so it gets the raw rest.
        String[] args = rest.isBlank() ? new String[0] : rest.trim().split(" +");
        switch (verb) {
            case USER: user(ctx, args); break;
            case PASS: pass(ctx, rest); break;
            case AUTH: auth(ctx, args); break;
            case STLS: stls(ctx); break;
            case CAPA: capa(ctx); break;
            case QUIT: quit(ctx); break;
            case STAT: reply(ctx, "+OK " + maildrop.count() + " " + maildrop.size()); break;
            case LIST: list(ctx, args); break;
            case RETR: retr(ctx, args); break;
            case DELE: dele(ctx, args); break;
            case NOOP: reply(ctx, "+OK"); break;
            case RSET: rset(ctx); break;
            case TOP: top(ctx, args); break;
            case UIDL: uidl(ctx, args); break;
            default: throw new IllegalStateException("verb " + verb);
        }
    }

    private void user(ChannelHandlerContext ctx, String[] args) {
        if (!plaintextAuthAllowed()) {
            reply(ctx, "-ERR [AUTH] plaintext authentication needs TLS");
            return;
        }
        if (args.length != 1) {
            reply(ctx, "-ERR USER needs one argument, the full address");
            return;
        }
        // The same answer whether or not the account exists: the check happens at PASS.
        pendingUser = args[0];
        reply(ctx, "+OK send PASS");
    }

    private void pass(ChannelHandlerContext ctx, String password) throws IOException {
        if (pendingUser == null) {
            reply(ctx, "-ERR send USER first");
            return;
        }
        String login = pendingUser;
        pendingUser = null; // RFC 1939 section 7: after a failed PASS the client starts again with USER
        if (password.isEmpty()) {
            reply(ctx, "-ERR PASS needs the password");
            return;
        }
        login(ctx, login, password.toCharArray());
    }

    /**
     * RFC 5034: the shared SASL mechanisms. "AUTH" alone lists them, as many clients expect. Additional data with
     * success (SCRAM's server signature) goes out as one more "+" challenge, answered by an empty line
     * (RFC 5034 section 4), which {@link SaslExchange} handles.
     */
    private void auth(ChannelHandlerContext ctx, String[] args) throws IOException {
        SaslChannel channel = saslChannel(ctx);
        if (args.length == 0) {
            reply(ctx, multiline("+OK SASL mechanisms follow", sasl.offered(channel)));
            return;
        }
        if (args.length > 2) {
            reply(ctx, "-ERR AUTH takes a mechanism and at most one initial response");
            return;
        }
        switch (sasl.availability(args[0], channel)) {
            case UNKNOWN:
                reply(ctx, "-ERR unsupported authentication mechanism");
                return;
            case NEEDS_TLS:
                reply(ctx, "-ERR [AUTH] plaintext authentication needs TLS");
                return;
            default:
                break;
        }
        if (!guard.mayAttempt()) {
            tooManyAttempts(ctx);
            return;
        }
        exchange = new SaslExchange(sasl.start(args[0], channel));
        saslStep(ctx, exchange.begin(args.length == 2 ? args[1] : null));
    }

    /** The client's line during an exchange: base64, "*" to cancel, or the empty answer to the final data. */
    private void saslStep(ChannelHandlerContext ctx, SaslStep step) throws IOException {
        if (exchange.claimedLogin() != null) loginName = exchange.claimedLogin();
        if (step instanceof SaslStep.Challenge) {
            reply(ctx, "+ " + ((SaslStep.Challenge) step).base64());
            return;
        }
        exchange = null;
        if (step instanceof SaslStep.Success) {
            guard.succeeded();
            openMaildrop(ctx, ((SaslStep.Success) step).account());
            return;
        }
        SaslStep.Failure failure = (SaslStep.Failure) step;
        switch (failure.reason()) {
            case CANCELLED:
                reply(ctx, "-ERR authentication cancelled");
                break;
            case MALFORMED:
                reply(ctx, "-ERR malformed authentication response");
                break;
            case TEMPORARY:
                reply(ctx, "-ERR [SYS/TEMP] authentication is unavailable, try again later");
                break;
            default:
                // Wrong password, unknown user, another authzid, bad channel binding: one answer for all.
                loginFailed(ctx);
                break;
        }
    }

    /** Checks a USER/PASS login (the array is wiped) through the same cache and guard as SASL. */
    private void login(ChannelHandlerContext ctx, String login, char[] password) throws IOException {
        loginName = login;
        if (!guard.mayAttempt()) {
            Arrays.fill(password, '\0');
            tooManyAttempts(ctx);
            return;
        }
        Optional<String> found;
        try {
            found = sasl.authenticator().verifyPassword(login, password);
        } catch (IOException e) {
            // The directory is away (database down): RFC 2449 section 8.2 [SYS/TEMP], not a failed login.
            LOG.warn("POP3 password check for {} unavailable: {}", login, e.toString());
            reply(ctx, "-ERR [SYS/TEMP] authentication is unavailable, try again later");
            return;
        } finally {
            Arrays.fill(password, '\0');
        }
        if (found.isEmpty()) {
            loginFailed(ctx);
            return;
        }
        guard.succeeded();
        openMaildrop(ctx, found.get());
    }

    /** Locks and snapshots the maildrop of an authenticated account; TRANSACTION state on success. */
    private void openMaildrop(ChannelHandlerContext ctx, String who) throws IOException {
        loginName = who;
        Optional<AutoCloseable> lock;
        try {
            lock = store.lockMaildrop(who);
        } catch (IOException e) {
            // The store cannot say whether the maildrop is in use (database away): RFC 2449 section 8.2
            // [SYS/TEMP], not [IN-USE], so the client retries later instead of telling the user of a
            // session that does not exist. The session stays in AUTHORIZATION.
            LOG.warn("POP3 maildrop lock for {} unavailable: {}", who, e.toString());
            reply(ctx, "-ERR [SYS/TEMP] maildrop unavailable, try again later");
            return;
        }
        if (lock.isEmpty()) {
            // RFC 2449 section 8.1.2; the session stays in AUTHORIZATION.
            reply(ctx, "-ERR [IN-USE] maildrop already locked");
            return;
        }
        maildropLock = lock.get();
        try {
            maildrop = Maildrop.snapshot(store, who);
        } catch (IOException | RuntimeException e) {
            releaseLock();
            throw e;
        }
        account = who;
        state = State.TRANSACTION;
        reply(ctx, "+OK maildrop has " + maildrop.count() + " messages (" + maildrop.size() + " octets)");
    }

    /**
     * A failed login: the reply waits for the guard's delay without holding a thread (the line queue pauses and
     * the reply is scheduled), and the connection closes after the last allowed failure.
     */
    private void loginFailed(ChannelHandlerContext ctx) {
        Metrics.get().loginFailed("pop3");
        Duration delay = guard.failed();
        boolean close = guard.exhausted();
        if (close) outcome = "too many authentication failures";
        if (delay.isZero()) {
            failedReply(ctx, close);
            return;
        }
        delaying = true;
        ctx.executor().schedule(() -> {
            delaying = false;
            if (!ctx.channel().isActive()) return;
            failedReply(ctx, close);
            drain(ctx);
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void failedReply(ChannelHandlerContext ctx, boolean close) {
        if (close) {
            replyAndClose(ctx, "-ERR [AUTH] invalid credentials");
        } else {
            reply(ctx, "-ERR [AUTH] invalid credentials");
        }
    }

    /** RFC 2449 section 8.2 [SYS/TEMP]: this client network made too many attempts; nothing was checked. */
    private void tooManyAttempts(ChannelHandlerContext ctx) {
        outcome = "login attempts over the rate limit";
        replyAndClose(ctx, "-ERR [SYS/TEMP] too many login attempts, try again later");
    }

    /** RFC 2449 section 5. USER and SASL are offered only before login, and only where plaintext is allowed. */
    private void capa(ChannelHandlerContext ctx) {
        List<String> caps = new ArrayList<>(List.of("TOP", "UIDL"));
        if (state == State.AUTHORIZATION) {
            if (plaintextAuthAllowed()) caps.add("USER");
            caps.add("SASL " + String.join(" ", sasl.offered(saslChannel(ctx))));
            if (tls != null && !tlsActive(ctx)) caps.add("STLS");
        }
        caps.addAll(List.of("RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "EXPIRE NEVER", "IMPLEMENTATION Mailroom"));
        reply(ctx, multiline("+OK capability list follows", caps));
    }

    private void quit(ChannelHandlerContext ctx) {
        if (state == State.AUTHORIZATION) {
            outcome = "QUIT";
            replyAndClose(ctx, "+OK " + settings.hostname() + " signing off");
            return;
        }
        // RFC 1939 section 6: only now are the marked messages removed.
        state = State.UPDATE;
        List<Long> uids = maildrop.deletedUids();
        try {
            if (!uids.isEmpty()) store.expunge(maildrop.mailboxId(), uids);
        } catch (IOException | RuntimeException e) {
            LOG.warn("POP3 expunge at QUIT failed for {}", account, e);
            outcome = "QUIT, expunge failed";
            releaseLock();
            // RFC 2449 section 8.2: [SYS/TEMP], the client may try again later.
            replyAndClose(ctx, "-ERR [SYS/TEMP] marked messages were not removed, try again later");
            return;
        }
        deleted = uids.size();
        outcome = "QUIT";
        // Unlock before the reply, so a client that reconnects at once does not find the maildrop locked.
        releaseLock();
        replyAndClose(ctx, "+OK " + settings.hostname() + " signing off (" + maildrop.count() + " messages left)");
    }

    private void list(ChannelHandlerContext ctx, String[] args) {
        if (args.length > 1) {
            reply(ctx, "-ERR LIST takes at most one message number");
            return;
        }
        if (args.length == 1) {
            Optional<MessageRecord> message = message(args[0]);
            if (message.isEmpty()) {
                reply(ctx, "-ERR no such message");
            } else {
                reply(ctx, "+OK " + parseNumber(args[0]) + " " + message.get().size());
            }
            return;
        }
        List<String> lines = new ArrayList<>();
        for (int n = 1; n <= maildrop.highestNumber(); n++) {
            int number = n;
            maildrop.message(n).ifPresent(m -> lines.add(number + " " + m.size()));
        }
        reply(ctx, multiline("+OK " + maildrop.count() + " messages (" + maildrop.size() + " octets)", lines));
    }

    private void uidl(ChannelHandlerContext ctx, String[] args) {
        if (args.length > 1) {
            reply(ctx, "-ERR UIDL takes at most one message number");
            return;
        }
        if (args.length == 1) {
            Optional<MessageRecord> message = message(args[0]);
            if (message.isEmpty()) {
                reply(ctx, "-ERR no such message");
            } else {
                reply(ctx, "+OK " + parseNumber(args[0]) + " " + maildrop.uniqueId(message.get()));
            }
            return;
        }
        List<String> lines = new ArrayList<>();
        for (int n = 1; n <= maildrop.highestNumber(); n++) {
            int number = n;
            maildrop.message(n).ifPresent(m -> lines.add(number + " " + maildrop.uniqueId(m)));
        }
        reply(ctx, multiline("+OK unique-id listing follows", lines));
    }

    private void retr(ChannelHandlerContext ctx, String[] args) throws IOException {
        if (args.length != 1) {
            reply(ctx, "-ERR RETR needs one message number");
            return;
        }
        Optional<MessageRecord> message = message(args[0]);
        if (message.isEmpty()) {
            reply(ctx, "-ERR no such message");
            return;
        }
        if (startTransfer(ctx, message.get(), "+OK " + message.get().size() + " octets", Long.MAX_VALUE)) {
            retrieved++;
        }
    }

    private void top(ChannelHandlerContext ctx, String[] args) throws IOException {
        if (args.length != 2) {
            reply(ctx, "-ERR TOP needs a message number and a line count");
            return;
        }
        long lines = parseCount(args[1]);
        if (lines < 0) {
            reply(ctx, "-ERR line count must be a non-negative number");
            return;
        }
        Optional<MessageRecord> message = message(args[0]);
        if (message.isEmpty()) {
            reply(ctx, "-ERR no such message");
            return;
        }
        startTransfer(ctx, message.get(), "+OK top of message follows", lines);
    }

    /**
     * Opens the blob and starts streaming it. A message expunged by another session (IMAP) since login may have
     * lost its blob: that is "no such message", not an internal error.
     */
    private boolean startTransfer(ChannelHandlerContext ctx, MessageRecord message, String okLine, long bodyLines)
            throws IOException {
        InputStream in;
        try {
            in = blobs.open(message.blobId());
        } catch (NoSuchFileException | FileNotFoundException e) {
            reply(ctx, "-ERR no such message");
            return false;
        }
        ctx.write(okLine);
        transfer = new DotStuffingReader(in, bodyLines);
        pump(ctx);
        return true;
    }

    private void dele(ChannelHandlerContext ctx, String[] args) {
        if (args.length != 1) {
            reply(ctx, "-ERR DELE needs one message number");
            return;
        }
        int number = parseNumber(args[0]);
        if (maildrop.isDeleted(number)) {
            reply(ctx, "-ERR message " + number + " already deleted");
        } else if (maildrop.message(number).isEmpty()) {
            reply(ctx, "-ERR no such message");
        } else {
            maildrop.markDeleted(number);
            reply(ctx, "+OK message " + number + " deleted");
        }
    }

    private void rset(ChannelHandlerContext ctx) {
        maildrop.unmarkAll();
        reply(ctx, "+OK maildrop has " + maildrop.count() + " messages (" + maildrop.size() + " octets)");
    }

    // ---- helpers ----

    /**
     * Passwords in the clear only under TLS, or from this machine where allowed (loopback cannot be sniffed, as
     * Dovecot also holds), or where the setting allows it everywhere.
     */
    private boolean plaintextAuthAllowed() {
        return tlsActive(sessionCtx) || settings.plaintextAuthWithoutTls()
                || (settings.plaintextAuthFromLoopback() && fromLoopback(sessionCtx));
    }

    private static boolean fromLoopback(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        return remote instanceof InetSocketAddress && ((InetSocketAddress) remote).getAddress().isLoopbackAddress();
    }

    /** What SASL needs to know of this connection: TLS, whether plaintext is allowed, the channel binding. */
    private SaslChannel saslChannel(ChannelHandlerContext ctx) {
        if (!tlsActive(ctx)) return SaslChannel.cleartext(plaintextAuthAllowed());
        try {
            return SaslChannel.encrypted(ChannelBinding.tlsServerEndPoint(ctx.channel()).orElse(null));
        } catch (GeneralSecurityException e) {
            LOG.debug("no channel binding: {}", e.toString());
            return SaslChannel.encrypted(null);
        }
    }

    private Optional<MessageRecord> message(String argument) {
        return maildrop.message(parseNumber(argument));
    }

    /** A message number: decimal digits only; -1 if it is not one. */
    private static int parseNumber(String text) {
        long n = parseCount(text);
        return n > Integer.MAX_VALUE ? -1 : (int) n;
    }

    /** A non-negative decimal number of at most 18 digits; -1 if it is not one. */
    private static long parseCount(String text) {
        if (text.isEmpty() || text.length() > 18) return -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') return -1;
        }
        return Long.parseLong(text);
    }

    /** A multi-line reply (RFC 1939 section 3): the lines, dot-stuffed, then ".". The encoder adds the last CRLF. */
    private static String multiline(String first, List<String> lines) {
        StringBuilder reply = new StringBuilder(first).append("\r\n");
        for (String line : lines) {
            if (line.startsWith(".")) reply.append('.');
            reply.append(line).append("\r\n");
        }
        return reply.append('.').toString();
    }

    private void reply(ChannelHandlerContext ctx, String reply) {
        ctx.write(reply);
    }

    private void replyAndClose(ChannelHandlerContext ctx, String reply) {
        closing = true;
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseLock() {
        if (maildropLock == null) return;
        try {
            maildropLock.close();
        } catch (Exception e) {
            LOG.warn("POP3 releasing the maildrop lock of {} failed", account, e);
        }
        maildropLock = null;
    }

    private static String clientIp(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress) return ((InetSocketAddress) remote).getAddress().getHostAddress();
        return String.valueOf(remote);
    }
}

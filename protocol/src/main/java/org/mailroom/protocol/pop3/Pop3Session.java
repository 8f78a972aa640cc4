package org.mailroom.protocol.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslChannel;
import org.mailroom.core.auth.SaslExchange;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MessageRecord;
import org.mailroom.protocol.FailedLogin;
import org.mailroom.protocol.SessionLog;
import org.mailroom.protocol.tls.LoginSecurity;
import org.mailroom.protocol.tls.StartTls;
import org.mailroom.protocol.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 connection: the state, the queue of lines, the streaming of messages, the reply path, and the
 * dispatch of each line to its verb in {@link Pop3CommandTable} (classes of this package; logins through
 * {@link Pop3Login}).
 *
 * <p>Runs on a blocking executor (never the event loop): logins hash passwords and every command may read the
 * store. Netty hands this handler one event at a time, in order.
 *
 * <p>Lines are queued and handled one by one; while a RETR or TOP is being streamed the queue waits and the
 * channel stops reading, so pipelined commands (RFC 2449 section 6.6) get their replies in order and the queue
 * cannot grow.
 *
 * <p>The fields without {@code private} are read and changed by the verbs of this package; only this thread
 * touches them.
 */
final class Pop3Session extends ChannelInboundHandlerAdapter implements FailedLogin.Queue {

    static final Logger LOG = LoggerFactory.getLogger(Pop3Session.class);
    private static final String NO_SUCH_MESSAGE = "-ERR no such message";

    /** RFC 1939 section 3. */
    enum State { AUTHORIZATION, TRANSACTION, UPDATE }

    final Pop3Settings settings;
    final MailStore store;
    final BlobStore blobs;
    final SaslMechanisms sasl;
    private final LoginGuard loginGuard;

    State state = State.AUTHORIZATION;
    /** Offered with STLS (RFC 2595), or null for none; port 995 has TLS before the session starts. */
    final TlsContext tls;
    ChannelHandlerContext ctx;
    /** Set while STLS hands the connection to TLS: the decoder is then resumed by StartTls, not by us. */
    boolean upgrading;
    /** USER given, waiting for PASS. */
    String pendingUser;
    /** The SASL exchange in progress: the next line is the client's response (RFC 5034 section 4). */
    SaslExchange exchange;
    /** The reply to a failed login waits for the guard's delay; lines queue meanwhile. */
    private boolean delaying;
    LoginGuard.Connection guard;
    String account;
    private AutoCloseable maildropLock;
    Maildrop maildrop;

    private final ArrayDeque<Object> pendingLines = new ArrayDeque<>();
    private DotStuffingReader transfer;
    /** Set once the connection is to be closed: further lines are ignored. */
    private boolean closing;

    // For the one log line at the end.
    String loginName;
    int retrieved;
    int deleted;
    String outcome = "disconnected";

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
        this.ctx = ctx;
        guard = loginGuard.connection(SessionLog.clientAddress(ctx));
        // No APOP, so no timestamp in the greeting (RFC 1939 section 7).
        ctx.writeAndFlush("+OK " + settings.hostname() + " Mailroom POP3 ready");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        pendingLines.add(msg);
        drain();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (transfer != null && ctx.channel().isWritable()) {
            pump();
            drain();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == org.mailroom.protocol.Listener.STOPPING) {
            // Between two commands; a message being sent is left to finish (the server closes it at the end of
            // its grace). Closing without QUIT never enters UPDATE: no message is deleted.
            if (this.ctx != null && transfer == null && !closing) {
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
        if (SessionLog.failure(LOG, "POP3", ctx, cause)) outcome = "error";
        closing = true;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeTransfer();
        releaseLock();
        pendingLines.clear();
        LOG.info("POP3 session closed: client={} user={} retrieved={} deleted={} result={}",
                SessionLog.clientIp(ctx), loginName == null ? "-" : loginName, retrieved, deleted, outcome);
    }

    // ---- the queue of lines and the streaming of messages ----

    /** Handles the queued lines until one starts a transfer or a login delay; reads on only when neither runs. */
    @Override
    public void drain() {
        Object next;
        while (transfer == null && !delaying && !closing && (next = pendingLines.poll()) != null) {
            handle(next);
        }
        if (closing) pendingLines.clear();
        ctx.flush();
        ctx.channel().config().setAutoRead(transfer == null && !delaying);
    }

    @Override
    public void hold(boolean held) {
        delaying = held;
    }

    /** Writes chunks of the message being sent while the channel takes them. */
    private void pump() {
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

    /**
     * Opens the blob and starts streaming it after {@code okLine} (RETR, TOP). A message expunged by another
     * session (IMAP) since login may have lost its blob: that is "no such message", not an internal error.
     */
    boolean startTransfer(MessageRecord message, String okLine, long bodyLines) throws IOException {
        InputStream in;
        try {
            in = blobs.open(message.blobId());
        } catch (NoSuchFileException | FileNotFoundException e) {
            reply(NO_SUCH_MESSAGE);
            return false;
        }
        ctx.write(okLine);
        transfer = new DotStuffingReader(in, bodyLines);
        pump();
        return true;
    }

    private void handle(Object input) {
        try {
            if (input == Pop3Decoder.Signal.LINE_TOO_LONG) {
                exchange = null; // a response cut short ends the exchange
                reply("-ERR Line too long");
            } else if (exchange != null) {
                AuthCommand.step(this, exchange.respond((String) input));
            } else {
                command((String) input);
            }
        } catch (Exception e) {
            // Never a stack trace to the client.
            LOG.warn("POP3 command failed for {}", loginName == null ? SessionLog.clientIp(ctx) : loginName, e);
            reply("-ERR [SYS/TEMP] internal error");
        } finally {
            // The decoder waits after any line that reads STLS; unless TLS is starting, it reads on.
            if (input instanceof String && Pop3Decoder.isStls((String) input) && !upgrading) {
                Pop3Decoder decoder = ctx.pipeline().get(Pop3Decoder.class);
                ctx.channel().eventLoop().execute(decoder::resume);
            }
        }
    }

    private void command(String line) throws IOException {
        int space = line.indexOf(' ');
        String word = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String rest = space < 0 ? "" : line.substring(space + 1);
        Pop3CommandTable.Entry entry = Pop3CommandTable.COMMANDS.get(word);
        if (entry == null) {
            reply("-ERR unknown command");
            return;
        }
        if (!entry.validIn().contains(state)) {
            reply("-ERR " + word + " not valid in the " + state + " state");
            return;
        }
        String[] args = rest.isBlank() ? new String[0] : rest.trim().split(" +");
        entry.command().execute(this, args, rest);
    }

    // ---- what the verbs use ----

    boolean tlsActive() {
        return StartTls.isActive(ctx.channel());
    }

    /**
     * Passwords in the clear only under TLS, or from this machine where allowed (loopback cannot be sniffed, as
     * Dovecot also holds), or where the setting allows it everywhere.
     */
    boolean plaintextAuthAllowed() {
        return LoginSecurity.plaintextAllowed(ctx.channel(), settings.plaintextAuthWithoutTls(),
                settings.plaintextAuthFromLoopback());
    }

    /** What SASL needs to know of this connection: TLS, whether plaintext is allowed, the channel binding. */
    SaslChannel saslChannel() {
        return LoginSecurity.saslChannel(ctx.channel(), plaintextAuthAllowed());
    }

    /**
     * The maildrop's message of the number a command names; empty, with "-ERR no such message" replied, when
     * there is none, it is marked deleted, or the argument is not a number.
     */
    Optional<MessageRecord> namedMessage(String argument) {
        Optional<MessageRecord> message = maildrop.message(parseNumber(argument));
        if (message.isEmpty()) reply(NO_SUCH_MESSAGE);
        return message;
    }

    /** A message number: decimal digits only; -1 if it is not one. */
    static int parseNumber(String text) {
        long n = parseCount(text);
        return n > Integer.MAX_VALUE ? -1 : (int) n;
    }

    /** A non-negative decimal number of at most 18 digits; -1 if it is not one. */
    static long parseCount(String text) {
        if (text.isEmpty() || text.length() > 18) return -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') return -1;
        }
        return Long.parseLong(text);
    }

    /** A multi-line reply (RFC 1939 section 3): the lines, dot-stuffed, then ".". The encoder adds the last CRLF. */
    static String multiline(String first, List<String> lines) {
        StringBuilder reply = new StringBuilder(first).append("\r\n");
        for (String line : lines) {
            if (line.startsWith(".")) reply.append('.');
            reply.append(line).append("\r\n");
        }
        return reply.append('.').toString();
    }

    /** Written now, flushed when the queue of lines is drained. */
    void reply(String reply) {
        ctx.write(reply);
    }

    void replyAndClose(String reply) {
        closing = true;
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    /** Locks and snapshots the maildrop of an authenticated account; TRANSACTION state on success. */
    void openMaildrop(String who) throws IOException {
        loginName = who;
        Optional<AutoCloseable> lock;
        try {
            lock = store.lockMaildrop(who);
        } catch (IOException e) {
            // The store cannot say whether the maildrop is in use (database away): RFC 2449 section 8.2
            // [SYS/TEMP], not [IN-USE], so the client retries later instead of telling the user of a
            // session that does not exist. The session stays in AUTHORIZATION.
            LOG.warn("POP3 maildrop lock for {} unavailable: {}", who, e.toString());
            reply("-ERR [SYS/TEMP] maildrop unavailable, try again later");
            return;
        }
        if (lock.isEmpty()) {
            // RFC 2449 section 8.1.2; the session stays in AUTHORIZATION.
            reply("-ERR [IN-USE] maildrop already locked");
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
        reply("+OK maildrop has " + maildrop.count() + " messages (" + maildrop.size() + " octets)");
    }

    void releaseLock() {
        if (maildropLock == null) return;
        try {
            maildropLock.close();
        } catch (Exception e) {
            LOG.warn("POP3 releasing the maildrop lock of {} failed", account, e);
        }
        maildropLock = null;
    }
}

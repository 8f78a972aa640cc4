package org.mailroom.protocol.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslExchange;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.BlobStore;
import org.mailroom.protocol.Listener;
import org.mailroom.protocol.LogText;
import org.mailroom.protocol.tls.StartTls;
import org.mailroom.protocol.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP server session (RFC 5321 with ESMTP extensions): the state, the reply path, and the dispatch of each
 * command line to its verb in {@link SmtpCommandTable}; the verbs are classes of this package ({@link MailCommand},
 * {@link RcptCommand}, {@link DataCommand}, {@link BdatCommand}, ...), the mail transaction's data is
 * {@link MailTransaction}, and the reply to the data is made by {@link EndOfMessage}.
 *
 * <p>Runs on a blocking executor, never on the event loop: it looks up recipients and writes the message to
 * the blob store as it arrives. The decoder gives it one command at a time and waits for {@link #next()}, so
 * replies go out in the order of the commands even when the client pipelines (RFC 2920).
 *
 * <p>"250" after the data means every recipient's copy is durable: the blob is fsync'd before delivery and
 * the delivery agents return only once their records are committed (RFC 5321 section 6.1).
 *
 * <p>On port 25 with authentication checks on ({@link InboundChecks}), the spool holds the client's bytes alone;
 * at the end of the data the checks read them, and the message is refused (550, 451) or stored as a new blob
 * that starts with our trace and Authentication-Results fields.
 *
 * <p>The fields without {@code private} are read and changed by the verbs of this package; only this thread
 * touches them.
 */
final class SmtpSession extends ChannelInboundHandlerAdapter {

    static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    /** Where the session is in the mail transaction. */
    enum State {
        /** Greeted (or just out of STARTTLS); EHLO or HELO expected. */
        CONNECTED,
        /** EHLO done; MAIL expected. */
        READY,
        /** MAIL accepted; RCPT, DATA or BDAT expected. */
        MAIL,
        /** Receiving the message after 354. */
        DATA,
        /** Between BDAT chunks (RFC 3030): the message is being spooled; more BDAT, RSET or QUIT expected. */
        CHUNKING,
        /** TLS handshake under way after STARTTLS: nothing is read until it ends. */
        TLS_HANDSHAKE,
        /** A SASL exchange (RFC 4954): the next line is the client's response, not a command. */
        AUTH,
        /** QUIT or a fatal error: nothing more is read. */
        CLOSING
    }

    final SmtpSettings settings;
    final Router router;
    final BlobStore blobs;
    final SmtpDecoder decoder;
    final Clock clock;
    final TlsContext tls;
    final SmtpAuth auth;
    /** Port 25 with authentication checks on; null on submission (our users' mail) or with the checks off. */
    final InboundChecks checks;
    /** True once the server is stopping: no new transaction starts, the one in flight finishes. */
    private final BooleanSupplier stopping;

    ChannelHandlerContext ctx;
    LoginGuard.Connection guard;
    /** The SASL exchange under way (state AUTH), else null. */
    SaslExchange sasl;
    /** The account that authenticated (submission), or null. */
    String user;
    State state = State.CONNECTED;
    String clientIp = "?";
    String heloName;
    boolean esmtp;
    private int errors;
    /** The delay before this command's reply and the next read: the error delay, or a failed login's. */
    long replyDelayMillis;
    int messagesAccepted;
    private Instant sessionStart;
    private ScheduledFuture<?> sessionTimer;
    /** The mail transaction: envelope, spool, BDAT chunk. */
    final MailTransaction tx = new MailTransaction();

    SmtpSession(SmtpSettings settings, Router router, BlobStore blobs, SmtpDecoder decoder, Clock clock,
                TlsContext tls, SmtpAuth auth, InboundChecks checks, BooleanSupplier stopping) {
        this.stopping = stopping;
        this.auth = auth;
        this.checks = auth == null ? checks : null;
        this.settings = settings;
        this.router = router;
        this.blobs = blobs;
        this.decoder = decoder;
        this.clock = clock;
        this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.sessionStart = clock.instant();
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress) {
            clientIp = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
            if (auth != null) guard = auth.guard().connection(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        }
        if (stopping.getAsBoolean()) {
            fatal(shuttingDown());
            return;
        }
        sessionTimer = ctx.executor().schedule(() -> fatal("421 4.4.2 " + settings.hostname()
                + " Error: session time limit exceeded"), settings.sessionTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (settings.greetingDelay().isZero()) {
            greet();
        } else {
            ctx.executor().schedule(this::greet, settings.greetingDelay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void greet() {
        if (state == State.CLOSING) return;
        decoder.greet(line("220 " + settings.hostname() + " ESMTP Mailroom"));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (state == State.CLOSING) return;
            replyDelayMillis = 0;
            if (msg instanceof SmtpInput.CommandLine) {
                SmtpInput.CommandLine line = (SmtpInput.CommandLine) msg;
                if (state == State.AUTH) {
                    AuthCommand.response(this, line.text());
                } else {
                    command(line.text(), line.followedByMore());
                }
            } else if (msg instanceof SmtpInput.CommandTooLong) {
                error("500 5.5.2 Error: line too long (the limit is " + settings.commandLineLimit() + " octets)");
                next();
            } else if (msg instanceof SmtpInput.DataChunk) {
                Spool.write(this, ((SmtpInput.DataChunk) msg).content());
            } else if (msg instanceof SmtpInput.DataEnd) {
                SmtpInput.DataEnd end = (SmtpInput.DataEnd) msg;
                EndOfMessage.finish(this, end.size(), end.tooBig(), end.bareLineEnding(), end.longLine());
            } else if (msg instanceof SmtpInput.ChunkEnd) {
                BdatCommand.endOfChunk(this);
            } else if (msg instanceof SmtpInput.EarlyTalker) {
                log.info("smtp client={} talked before the greeting", clientIp);
                fatal("554 5.5.0 Error: SMTP protocol synchronization (you talked before the greeting)");
            }
        } catch (RuntimeException e) {
            // A bug must not reach the client as a stack trace, nor take other sessions down.
            log.error("smtp session {} failed", clientIp, e);
            fatal("421 4.3.0 " + settings.hostname() + " Error: internal error, closing connection");
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void command(String line, boolean followedByMore) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String arg = space < 0 ? "" : line.substring(space + 1);
        SmtpCommandTable.Entry entry = SmtpCommandTable.COMMANDS.get(verb);
        if (followedByMore && (!esmtp || entry != null && entry.mustEndGroup())) {
            // Postfix's "improper command pipelining": without PIPELINING, or after a command that must end a
            // group, the client must wait for our reply. Answering would only help a smuggler or a spam engine.
            log.info("smtp client={} pipelined after {} without waiting", clientIp, LogText.of(verb));
            fatal("554 5.5.0 Error: SMTP protocol synchronization");
            return;
        }
        if (hasControlCharacters(line)) {
            // CR, LF or NUL could forge a header line in Received or a line in our log.
            error("501 5.5.2 Error: control characters are not allowed in commands");
            next();
            return;
        }
        if (state == State.CHUNKING && (entry == null || !entry.duringChunking())) {
            error("503 5.5.1 Error: BDAT, RSET or QUIT expected during a chunked message");
            next();
            return;
        }
        if (entry == null) {
            error("500 5.5.2 Error: command not recognized");
            next();
            return;
        }
        entry.command().execute(this, arg);
        if (!entry.resumesItself()) next();
    }

    // ---- what the verbs use ----

    /** Whether {@code user} may send as {@code address} (submission); false if the directory cannot say. */
    boolean owns(MailAddress address) {
        try {
            return auth.ownership().owns(user, address);
        } catch (IOException e) {
            log.warn("ownership check failed for {}: {}", user, e.toString());
            return false;
        }
    }

    void quit() {
        state = State.CLOSING;
        ctx.writeAndFlush(line("221 2.0.0 Bye")).addListener(ChannelFutureListener.CLOSE);
    }

    /** Ends the mail transaction (RSET, EHLO, a failed chunk, after the data): the spool is dropped if still open. */
    void resetTransaction() {
        tx.reset();
        if (state == State.MAIL || state == State.DATA || state == State.CHUNKING) state = State.READY;
    }

    boolean tlsActive() {
        return StartTls.isActive(ctx.channel());
    }

    /** Reads the next command, after the error delay if one applies. */
    void next() {
        if (state == State.CLOSING || state == State.DATA || state == State.TLS_HANDSHAKE) return;
        if (stopping.getAsBoolean() && betweenTransactions()) {
            fatal(shuttingDown());
            return;
        }
        if (replyDelayMillis > 0) {
            ctx.executor().schedule(() -> decoder.resume(SmtpDecoder.Mode.COMMAND), replyDelayMillis, TimeUnit.MILLISECONDS);
        } else {
            decoder.resume(SmtpDecoder.Mode.COMMAND);
        }
    }

    void reply(String text) {
        if (replyDelayMillis > 0) {
            ctx.executor().schedule(() -> ctx.writeAndFlush(line(text)), replyDelayMillis, TimeUnit.MILLISECONDS);
        } else {
            ctx.writeAndFlush(line(text));
        }
    }

    /**
     * A refusal that counts towards the error limit: past half of it each error reply waits
     * {@code errorDelay}; past it the session ends with 421.
     */
    void error(String text) {
        errors++;
        if (errors > settings.maxErrors()) {
            fatal("421 4.7.0 " + settings.hostname() + " Error: too many errors");
            return;
        }
        if (errors > settings.maxErrors() / 2) replyDelayMillis = settings.errorDelay().toMillis();
        reply(text);
    }

    void fatal(String text) {
        if (state == State.CLOSING) return;
        state = State.CLOSING;
        tx.abortSpool();
        ctx.writeAndFlush(line(text)).addListener(ChannelFutureListener.CLOSE);
    }

    /** {@link #fatal} after {@code delayMillis} (a failed login's delay), from this session's executor. */
    void fatalLater(String text, long delayMillis) {
        ctx.executor().schedule(() -> fatal(text), delayMillis, TimeUnit.MILLISECONDS);
    }

    static ByteBuf line(String text) {
        return Unpooled.copiedBuffer(text + "\r\n", StandardCharsets.UTF_8);
    }

    /** No transaction under way: a stopping server can end the session without losing a message. */
    private boolean betweenTransactions() {
        return state == State.CONNECTED || state == State.READY || state == State.AUTH;
    }

    private String shuttingDown() {
        return "421 4.3.2 " + settings.hostname() + " Service shutting down";
    }

    // ---- Netty events besides the input ----

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == Listener.STOPPING) {
            // Sent once when the server starts to stop: a session waiting for a command ends now; one in a
            // transaction ends after its reply to the data (see next()). ctx is null before channelActive,
            // which checks the flag itself.
            if (this.ctx != null && betweenTransactions()) fatal(shuttingDown());
            return;
        }
        if (evt instanceof IdleStateEvent) {
            fatal("421 4.4.2 " + settings.hostname() + " Error: timeout exceeded");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        tx.abortSpool(); // a client gone mid-DATA leaves no message behind
        if (sessionTimer != null) sessionTimer.cancel(false);
        log.info("smtp disconnect client={} helo={} messages={} errors={} duration={}ms", clientIp,
                LogText.of(heloName), messagesAccepted, errors,
                clock.instant().toEpochMilli() - sessionStart.toEpochMilli());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause instanceof io.netty.handler.codec.DecoderException) {
            log.debug("smtp connection {} error: {}", clientIp, cause.toString());
        } else {
            log.warn("smtp connection {} error", clientIp, cause);
        }
        tx.abortSpool();
        ctx.close();
    }

    private static boolean hasControlCharacters(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) return true;
        }
        return false;
    }
}

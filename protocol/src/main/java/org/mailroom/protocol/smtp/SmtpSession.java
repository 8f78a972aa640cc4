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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.mailroom.core.delivery.RecipientResult;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.mail.Envelope;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.mail.SmtpPath;
import org.mailroom.core.store.BlobStore;
import org.mailroom.protocol.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP server session (RFC 5321): the state machine, one method per verb.
 *
 * <p>Runs on a blocking executor, never on the event loop: it looks up recipients and writes the message to
 * the blob store as it arrives. The decoder gives it one command at a time and waits for {@link #next()}, so
 * replies go out in the order of the commands even when the client pipelines (RFC 2920).
 *
 * <p>"250" after the data means every recipient's copy is durable: the blob is fsync'd before delivery and
 * the delivery agents return only once their records are committed (RFC 5321 section 6.1).
 */
final class SmtpSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);
    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Where the session is in the mail transaction. */
    enum State {
        /** Greeted; EHLO or HELO expected. */
        CONNECTED,
        /** EHLO done; MAIL expected. */
        READY,
        /** MAIL accepted; RCPT expected. */
        MAIL,
        /** Receiving the message after 354. */
        DATA,
        /** QUIT or a fatal error: nothing more is read. */
        CLOSING
    }

    private final SmtpSettings settings;
    private final Router router;
    private final BlobStore blobs;
    private final SmtpDecoder decoder;
    private final Clock clock;

    private ChannelHandlerContext ctx;
    private State state = State.CONNECTED;
    private String clientIp = "?";
    private String heloName;
    private boolean esmtp;
    private int errors;
    private int messagesAccepted;
    private Instant sessionStart;
    private ScheduledFuture<?> sessionTimer;

    // The mail transaction.
    private MailAddress sender;
    private boolean smtpUtf8;
    private final List<MailAddress> recipients = new ArrayList<>();
    private Instant transactionStart;
    private String messageId;
    private BlobStore.BlobWriter spool;
    private IOException spoolError;

    SmtpSession(SmtpSettings settings, Router router, BlobStore blobs, SmtpDecoder decoder, Clock clock) {
        this.settings = settings;
        this.router = router;
        this.blobs = blobs;
        this.decoder = decoder;
        this.clock = clock;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.sessionStart = clock.instant();
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress) {
            clientIp = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        }
        sessionTimer = ctx.executor().schedule(() -> fatal("421 4.4.2 " + settings.hostname()
                + " Error: session time limit exceeded"), settings.sessionTimeout().toMillis(), TimeUnit.MILLISECONDS);
        reply("220 " + settings.hostname() + " ESMTP Mailroom");
        next();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (state == State.CLOSING) return;
            if (msg instanceof SmtpInput.CommandLine) {
                command(((SmtpInput.CommandLine) msg).text());
            } else if (msg instanceof SmtpInput.CommandTooLong) {
                error("500 5.5.2 Error: line too long (the limit is " + settings.commandLineLimit() + " octets)");
                next();
            } else if (msg instanceof SmtpInput.DataChunk) {
                spool(((SmtpInput.DataChunk) msg).content());
            } else if (msg instanceof SmtpInput.DataEnd) {
                endOfData((SmtpInput.DataEnd) msg);
            }
        } catch (RuntimeException e) {
            // A bug must not reach the client as a stack trace, nor take other sessions down.
            log.error("smtp session {} failed", clientIp, e);
            fatal("421 4.3.0 " + settings.hostname() + " Error: internal error, closing connection");
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void command(String line) {
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String arg = space < 0 ? "" : line.substring(space + 1);
        if (hasControlCharacters(line)) {
            // CR, LF or NUL could forge a header line in Received or a line in our log.
            error("501 5.5.2 Error: control characters are not allowed in commands");
            next();
            return;
        }
        switch (verb) {
            case "EHLO": hello(arg, true); break;
            case "HELO": hello(arg, false); break;
            case "MAIL": mail(arg); break;
            case "RCPT": rcpt(arg); break;
            case "DATA": data(arg); return; // DATA resumes the decoder itself
            case "RSET": resetTransaction(); reply("250 2.0.0 Ok"); break;
            case "NOOP": reply("250 2.0.0 Ok"); break;
            case "QUIT": quit(); return;
            case "VRFY": reply("252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery"); break;
            case "HELP": reply("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP"); break;
            case "EXPN": case "TURN": case "ETRN": case "STARTTLS": case "AUTH": case "BDAT":
                error("502 5.5.1 Error: command not implemented");
                break;
            default: error("500 5.5.2 Error: command not recognized");
        }
        next();
    }

    private void hello(String arg, boolean extended) {
        String name = arg.trim();
        if (name.isEmpty() || name.indexOf(' ') >= 0) {
            error("501 5.5.4 Syntax: " + (extended ? "EHLO" : "HELO") + " hostname");
            return;
        }
        resetTransaction();
        heloName = name;
        esmtp = extended;
        state = State.READY;
        if (!extended) {
            reply("250 " + settings.hostname());
            return;
        }
        reply("250-" + settings.hostname() + "\r\n"
                + "250-PIPELINING\r\n"
                + "250-SIZE " + settings.maxMessageSize() + "\r\n"
                + "250-8BITMIME\r\n"
                + "250-ENHANCEDSTATUSCODES\r\n"
                + "250 SMTPUTF8");
    }

    private void mail(String arg) {
        if (state == State.CONNECTED) {
            error("503 5.5.1 Error: send HELO/EHLO first");
            return;
        }
        if (state == State.MAIL) {
            error("503 5.5.1 Error: nested MAIL command");
            return;
        }
        String path = afterKeyword(arg, "FROM:");
        if (path == null) {
            error("501 5.5.4 Syntax: MAIL FROM:<address>");
            return;
        }
        SmtpPath.Parsed parsed;
        try {
            parsed = SmtpPath.parse(path, true);
        } catch (IllegalArgumentException e) {
            error("501 5.1.7 Bad sender address syntax: " + e.getMessage());
            return;
        }
        boolean utf8 = false;
        for (String param : parameters(parsed.rest())) {
            String key = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
            String value = param.contains("=") ? param.substring(param.indexOf('=') + 1) : null;
            switch (key.toUpperCase(Locale.ROOT)) {
                case "SIZE":
                    long declared;
                    try {
                        declared = Long.parseLong(value);
                    } catch (NumberFormatException | NullPointerException e) {
                        error("501 5.5.4 Bad SIZE parameter");
                        return;
                    }
                    if (declared > settings.maxMessageSize()) {
                        error("552 5.3.4 Message size exceeds fixed limit of " + settings.maxMessageSize() + " octets");
                        return;
                    }
                    break;
                case "BODY":
                    // RFC 6152: 8-bit text is stored as it comes; 7BIT needs nothing either.
                    if (value == null || !(value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))) {
                        error("501 5.5.4 Bad BODY parameter");
                        return;
                    }
                    break;
                case "SMTPUTF8":
                    if (value != null) {
                        error("501 5.5.4 SMTPUTF8 takes no value");
                        return;
                    }
                    utf8 = true;
                    break;
                default:
                    error("555 5.5.4 Unsupported option: " + key);
                    return;
            }
            if (!esmtp) {
                error("555 5.5.4 Parameters need EHLO");
                return;
            }
        }
        if (parsed.address() != null && parsed.address().needsUtf8() && !utf8) {
            error("553 5.6.7 Sender address needs SMTPUTF8"); // RFC 6531 section 3.5
            return;
        }
        sender = parsed.address();
        smtpUtf8 = utf8;
        recipients.clear();
        transactionStart = clock.instant();
        state = State.MAIL;
        reply("250 2.1.0 Ok");
    }

    private void rcpt(String arg) {
        if (state != State.MAIL) {
            error("503 5.5.1 Error: need MAIL command");
            return;
        }
        if (recipients.size() >= settings.maxRecipients()) {
            reply("452 4.5.3 Error: too many recipients"); // RFC 5321 section 4.5.3.1.10: not an error
            return;
        }
        String path = afterKeyword(arg, "TO:");
        if (path == null) {
            error("501 5.5.4 Syntax: RCPT TO:<address>");
            return;
        }
        SmtpPath.Parsed parsed;
        try {
            parsed = SmtpPath.parse(path, false);
        } catch (IllegalArgumentException e) {
            error("501 5.1.3 Bad recipient address syntax: " + e.getMessage());
            return;
        }
        List<String> params = parameters(parsed.rest());
        if (!params.isEmpty()) {
            error("555 5.5.4 Unsupported option: " + params.get(0));
            return;
        }
        MailAddress rcpt = parsed.address();
        if (rcpt.needsUtf8() && !smtpUtf8) {
            error("553 5.6.7 Recipient address needs SMTPUTF8");
            return;
        }
        Router.Decision decision;
        try {
            decision = router.check(rcpt, settings.mayRelay());
        } catch (IOException e) {
            log.warn("recipient lookup failed for {}: {}", LogText.of(rcpt.toString()), e.toString());
            reply("451 4.3.0 <" + rcpt + ">: Temporary lookup failure, try again later");
            return;
        }
        switch (decision) {
            case LOCAL:
            case REMOTE:
                recipients.add(rcpt);
                reply("250 2.1.5 Ok");
                break;
            case UNKNOWN_USER:
                error("550 5.1.1 <" + rcpt + ">: Recipient address rejected: User unknown");
                break;
            case RELAY_DENIED:
                error("550 5.7.1 <" + rcpt + ">: Relay access denied");
                break;
        }
    }

    private void data(String arg) {
        if (state != State.MAIL) {
            error("503 5.5.1 Error: need RCPT command");
            next();
            return;
        }
        if (recipients.isEmpty()) {
            error("554 5.5.1 Error: no valid recipients");
            next();
            return;
        }
        if (!arg.isEmpty()) {
            error("501 5.5.4 Syntax: DATA");
            next();
            return;
        }
        messageId = QueueIds.next(clock);
        spoolError = null;
        try {
            spool = blobs.create();
            spool.write(traceHeaders().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            log.warn("id={} cannot open spool: {}", messageId, e.toString());
            abortSpool();
            reply("451 4.3.0 Error: cannot store message now, try again later");
            next();
            return;
        }
        state = State.DATA;
        reply("354 End data with <CR><LF>.<CR><LF>");
        decoder.resume(SmtpDecoder.Mode.DATA, settings.maxMessageSize());
    }

    /**
     * Return-Path (RFC 5321 section 4.4: added at final delivery; our blob serves local delivery, and the
     * outbound client drops this first line when it relays) and our Received line.
     */
    private String traceHeaders() {
        String protocol = smtpUtf8 ? "UTF8SMTP" : esmtp ? "ESMTP" : "SMTP"; // RFC 3848, RFC 6531
        String rcptClause = recipients.size() == 1 ? "\r\n\tfor <" + recipients.get(0) + ">" : "";
        return "Return-Path: " + (sender == null ? "<>" : "<" + sender + ">") + "\r\n"
                + "Received: from " + heloName + " ([" + clientIp + "])\r\n"
                + "\tby " + settings.hostname() + " (Mailroom) with " + protocol + " id " + messageId
                + rcptClause + ";\r\n"
                + "\t" + RFC5322_DATE.format(clock.instant()) + "\r\n";
    }

    private void spool(ByteBuf chunk) {
        if (spool == null || spoolError != null) return;
        try {
            for (ByteBuffer b : chunk.nioBuffers()) spool.write(b);
        } catch (IOException e) {
            spoolError = e; // keep reading to the end of the data, then answer 451
        }
    }

    private void endOfData(SmtpInput.DataEnd end) {
        state = State.READY;
        String refusal = null;
        if (end.tooBig()) {
            refusal = "552 5.3.4 Error: message exceeds fixed limit of " + settings.maxMessageSize() + " octets";
        } else if (end.bareLineEnding()) {
            refusal = "554 5.5.2 Error: bare <CR> or <LF> in message; lines must end with <CR><LF>";
        } else if (end.longLine()) {
            refusal = "554 5.5.2 Error: message line longer than " + settings.textLineLimit() + " octets";
        } else if (end.receivedHeaders() > settings.maxReceivedHeaders()) {
            refusal = "554 5.4.6 Error: too many hops (" + end.receivedHeaders() + " Received headers), mail loop?";
        } else if (spoolError != null) {
            log.warn("id={} spool write failed: {}", messageId, spoolError.toString());
            refusal = "451 4.3.0 Error: cannot store message now, try again later";
        }
        if (refusal != null) {
            abortSpool();
            logMessage(end.size(), refusal);
            reply(refusal);
            resetTransaction();
            next();
            return;
        }
        reply(deliver(end.size()));
        resetTransaction();
        next();
    }

    /** Makes the message durable for every recipient, then says so; returns the reply to the data. */
    private String deliver(long size) {
        String blobId;
        long stored = spool.size();
        try {
            blobId = spool.commit();
        } catch (IOException e) {
            log.warn("id={} spool commit failed: {}", messageId, e.toString());
            abortSpool();
            return "451 4.3.0 Error: cannot store message now, try again later";
        }
        spool = null;
        Envelope envelope = new Envelope(messageId, sender, recipients, heloName, clientIp, transactionStart);
        List<RecipientResult> results = router.deliver(envelope, blobId, stored);
        long accepted = results.stream().filter(RecipientResult::accepted).count();
        boolean temporary = results.stream().anyMatch(r -> r.status() == RecipientResult.Status.TEMPORARY_FAILURE);
        String reply;
        if (temporary || accepted == 0) {
            if (accepted == 0) deleteQuietly(blobId);
            // Any temporary failure fails the message: the client retries all recipients. Recipients that
            // were stored may then get it twice, which is better than never.
            reply = temporary ? "451 4.3.0 Error: cannot store message now, try again later"
                              : "554 5.1.1 Error: no valid recipients";
        } else {
            messagesAccepted++;
            reply = "250 2.0.0 Ok: queued as " + messageId;
        }
        logMessage(size, reply + " " + results.stream()
                .map(r -> "<" + r.recipient() + "> " + r.status().name().toLowerCase(Locale.ROOT) + " (" + r.where() + ")")
                .collect(Collectors.joining(", ")));
        return reply;
    }

    private void logMessage(long size, String result) {
        log.info("id={} client={} from={} to={} size={} result={}", messageId, clientIp,
                LogText.of(sender == null ? "<>" : "<" + sender + ">"),
                LogText.of(recipients.stream().map(r -> "<" + r + ">").collect(Collectors.joining(","))),
                size, LogText.of(result));
    }

    private void quit() {
        state = State.CLOSING;
        ctx.writeAndFlush(line("221 2.0.0 Bye")).addListener(ChannelFutureListener.CLOSE);
    }

    private void resetTransaction() {
        abortSpool();
        sender = null;
        smtpUtf8 = false;
        recipients.clear();
        if (state == State.MAIL || state == State.DATA) state = State.READY;
    }

    private void abortSpool() {
        if (spool != null) {
            try {
                spool.close();
            } catch (IOException e) {
                log.debug("spool close failed", e);
            }
            spool = null;
        }
    }

    private void deleteQuietly(String blobId) {
        try {
            blobs.delete(blobId);
        } catch (IOException e) {
            log.warn("cannot delete blob {}: {}", blobId, e.toString());
        }
    }

    /** Reads the next command. */
    private void next() {
        if (state != State.CLOSING && state != State.DATA) decoder.resume(SmtpDecoder.Mode.COMMAND);
    }

    private void reply(String text) {
        ctx.writeAndFlush(line(text));
    }

    /** A refusal that counts towards the error limit; past it the session ends with 421. */
    private void error(String text) {
        errors++;
        if (errors > settings.maxErrors()) {
            fatal("421 4.7.0 " + settings.hostname() + " Error: too many errors");
        } else {
            reply(text);
        }
    }

    private void fatal(String text) {
        if (state == State.CLOSING) return;
        state = State.CLOSING;
        abortSpool();
        ctx.writeAndFlush(line(text)).addListener(ChannelFutureListener.CLOSE);
    }

    private static ByteBuf line(String text) {
        return Unpooled.copiedBuffer(text + "\r\n", StandardCharsets.UTF_8);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            fatal("421 4.4.2 " + settings.hostname() + " Error: timeout exceeded");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        abortSpool(); // a client gone mid-DATA leaves no message behind
        if (sessionTimer != null) sessionTimer.cancel(false);
        log.info("smtp disconnect client={} helo={} messages={} errors={} duration={}ms", clientIp,
                LogText.of(heloName), messagesAccepted, errors,
                clock.instant().toEpochMilli() - sessionStart.toEpochMilli());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("smtp connection {} error: {}", clientIp, cause.toString());
        } else {
            log.warn("smtp connection {} error", clientIp, cause);
        }
        abortSpool();
        ctx.close();
    }

    /** The text after {@code FROM:} or {@code TO:} (case-insensitive), spaces after the colon allowed. */
    private static String afterKeyword(String arg, String keyword) {
        if (!arg.regionMatches(true, 0, keyword, 0, keyword.length())) return null;
        return arg.substring(keyword.length()).stripLeading(); // XXX: RFC 5321 has no space; many clients send one
    }

    private static List<String> parameters(String rest) {
        List<String> params = new ArrayList<>();
        for (String p : rest.trim().split(" +")) if (!p.isEmpty()) params.add(p);
        return params;
    }

    private static boolean hasControlCharacters(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) return true;
        }
        return false;
    }
}

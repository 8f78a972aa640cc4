package org.mailroom.protocol.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLSession;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslChannel;
import org.mailroom.core.auth.SaslExchange;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.auth.SaslStep;
import org.mailroom.core.delivery.RecipientResult;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.mail.Envelope;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.mail.SmtpPath;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.core.store.BlobStore;
import org.mailroom.mailauth.InboundAuthenticator;
import org.mailroom.protocol.Listener;
import org.mailroom.protocol.LogText;
import org.mailroom.protocol.tls.ChannelBinding;
import org.mailroom.protocol.tls.StartTls;
import org.mailroom.protocol.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP server session (RFC 5321 with ESMTP extensions): the state machine, one method per verb.
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
 */
final class SmtpSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);
    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** RFC 3461 section 4.4: ENVID is at most 100 characters. */
    private static final int MAX_ENVID = 100;

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

    /**
     * Verbs after which a client must wait for our reply (RFC 2920 section 3.1, RFC 3207, RFC 4954): bytes
     * already behind them mean the client is not speaking SMTP, or is smuggling.
     */
    private static final Set<String> MUST_END_GROUP = Set.of("EHLO", "HELO", "DATA", "STARTTLS", "AUTH", "QUIT");

    private final SmtpSettings settings;
    private final Router router;
    private final BlobStore blobs;
    private final SmtpDecoder decoder;
    private final Clock clock;
    private final TlsContext tls;
    private final SmtpAuth auth;
    /** Port 25 with authentication checks on; null on submission (our users' mail) or with the checks off. */
    private final InboundChecks checks;
    /** True once the server is stopping: no new transaction starts, the one in flight finishes. */
    private final java.util.function.BooleanSupplier stopping;

    private ChannelHandlerContext ctx;
    private LoginGuard.Connection guard;
    private SaslExchange sasl;
    /** The account that authenticated (submission), or null. */
    private String user;
    private State state = State.CONNECTED;
    private String clientIp = "?";
    private String heloName;
    private boolean esmtp;
    private int errors;
    private long replyDelayMillis;
    private int messagesAccepted;
    private Instant sessionStart;
    private ScheduledFuture<?> sessionTimer;

    // The mail transaction.
    private MailAddress sender;
    private boolean smtpUtf8;
    private boolean binaryMime;
    private String envid;
    private Dsn.Ret ret;
    private final List<MailAddress> recipients = new ArrayList<>();
    private final Map<String, Dsn.RecipientDsn> recipientDsn = new HashMap<>();
    private Instant transactionStart;
    private String messageId;
    private BlobStore.BlobWriter spool;
    private IOException spoolError;
    private HeaderScanner headers;
    /** Submission only: the header section held back until it is complete (From: check, RFC 6409 fix-ups). */
    private SubmissionHeaders submitted;
    private String submissionRefusal;
    // The BDAT chunk being read.
    private long chunkSize;
    private boolean lastChunk;
    private String chunkRefusal;
    private long chunkedSize;

    SmtpSession(SmtpSettings settings, Router router, BlobStore blobs, SmtpDecoder decoder, Clock clock,
                TlsContext tls, SmtpAuth auth, InboundChecks checks, java.util.function.BooleanSupplier stopping) {
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
                    authResponse(line.text());
                } else {
                    command(line.text(), line.followedByMore());
                }
            } else if (msg instanceof SmtpInput.CommandTooLong) {
                error("500 5.5.2 Error: line too long (the limit is " + settings.commandLineLimit() + " octets)");
                next();
            } else if (msg instanceof SmtpInput.DataChunk) {
                spool(((SmtpInput.DataChunk) msg).content());
            } else if (msg instanceof SmtpInput.DataEnd) {
                endOfData((SmtpInput.DataEnd) msg);
            } else if (msg instanceof SmtpInput.ChunkEnd) {
                endOfChunk();
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
        if (followedByMore && (MUST_END_GROUP.contains(verb) || !esmtp)) {
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
        if (state == State.CHUNKING && !verb.equals("BDAT") && !verb.equals("RSET") && !verb.equals("QUIT")
                && !verb.equals("NOOP")) {
            error("503 5.5.1 Error: BDAT, RSET or QUIT expected during a chunked message");
            next();
            return;
        }
        switch (verb) {
            case "EHLO": hello(arg, true); break;
            case "HELO": hello(arg, false); break;
            case "MAIL": mail(arg); break;
            case "RCPT": rcpt(arg); break;
            case "DATA": data(arg); return; // resumes the decoder itself
            case "BDAT": bdat(arg); return; // likewise
            case "STARTTLS": startTls(arg); return; // likewise, through StartTls
            case "RSET": resetTransaction(); reply("250 2.0.0 Ok"); break;
            case "NOOP": reply("250 2.0.0 Ok"); break;
            case "QUIT": quit(); return;
            case "VRFY": reply("252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery"); break;
            case "HELP": reply("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS"); break;
            case "AUTH": authenticate(arg); return; // resumes the decoder itself
            case "EXPN": case "TURN": case "ETRN":
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
        List<String> lines = new ArrayList<>();
        lines.add(settings.hostname());
        lines.add("PIPELINING");
        lines.add("SIZE " + settings.maxMessageSize());
        if (tls != null && !tlsActive()) lines.add("STARTTLS");
        if (auth != null && user == null && mayAuthenticateHere()) {
            lines.add("AUTH " + String.join(" ", auth.mechanisms().offered(saslChannel())));
        }
        lines.add("8BITMIME");
        lines.add("BINARYMIME");
        lines.add("CHUNKING");
        lines.add("DSN");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("SMTPUTF8");
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            out.append("250").append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i));
            if (i < lines.size() - 1) out.append("\r\n");
        }
        reply(out.toString());
    }

    private void startTls(String arg) {
        if (tls == null) {
            error("502 5.5.1 Error: command not implemented");
            next();
        } else if (tlsActive()) {
            error("503 5.5.1 Error: TLS already active");
            next();
        } else if (!arg.isEmpty()) {
            error("501 5.5.4 Syntax: STARTTLS");
            next();
        } else {
            state = State.TLS_HANDSHAKE;
            StartTls.upgrade(ctx.channel(), tls, line("220 2.0.0 Ready to start TLS")).addListener(handshake -> {
                if (handshake.isSuccess()) ctx.executor().execute(this::afterTls);
            });
        }
    }

    /** AUTH may run here: under TLS, or without it where the setting allows (loopback test setups). */
    private boolean mayAuthenticateHere() {
        return tlsActive() || auth.plaintextWithoutTls();
    }

    private SaslChannel saslChannel() {
        if (!tlsActive()) return SaslChannel.cleartext(auth.plaintextWithoutTls());
        byte[] binding = null;
        try {
            binding = ChannelBinding.tlsServerEndPoint(ctx.channel()).orElse(null);
        } catch (java.security.GeneralSecurityException e) {
            log.debug("no channel binding: {}", e.toString());
        }
        return SaslChannel.encrypted(binding);
    }

    /** AUTH (RFC 4954 section 4), guards first; the exchange goes on in {@link #authResponse}. */
    private void authenticate(String arg) {
        String[] parts = arg.trim().split(" +");
        if (auth == null) {
            error("502 5.5.1 Error: authentication not enabled on this port");
        } else if (state == State.CONNECTED) {
            error("503 5.5.1 Error: send EHLO first");
        } else if (user != null) {
            error("503 5.5.1 Error: already authenticated");
        } else if (state != State.READY) {
            error("503 5.5.1 Error: AUTH not allowed during a mail transaction");
        } else if (arg.isBlank() || parts.length > 2) {
            error("501 5.5.4 Syntax: AUTH mechanism [initial-response]");
        } else if (!mayAuthenticateHere()) {
            error("538 5.7.11 Encryption required for requested authentication mechanism");
        } else {
            SaslChannel channel = saslChannel();
            SaslMechanisms.Availability availability = auth.mechanisms().availability(parts[0], channel);
            if (availability == SaslMechanisms.Availability.NEEDS_TLS) {
                error("538 5.7.11 Encryption required for requested authentication mechanism");
            } else if (availability != SaslMechanisms.Availability.AVAILABLE) {
                error("504 5.5.4 Unrecognized authentication type");
            } else if (!guard.mayAttempt()) {
                reply("454 4.7.0 Too many authentication attempts from your network, try again later");
            } else {
                sasl = new SaslExchange(auth.mechanisms().start(parts[0], channel));
                state = State.AUTH;
                saslStep(sasl.begin(parts.length == 2 ? parts[1] : null));
                return;
            }
        }
        next();
    }

    private void authResponse(String line) {
        saslStep(sasl.respond(line.trim()));
    }

    private void saslStep(SaslStep step) {
        if (step instanceof SaslStep.Challenge) {
            reply("334 " + ((SaslStep.Challenge) step).base64());
            decoder.resume(SmtpDecoder.Mode.COMMAND);
            return;
        }
        state = State.READY;
        String mechanism = sasl.mechanism();
        String login = sasl.claimedLogin();
        sasl = null;
        if (step instanceof SaslStep.Success) {
            user = ((SaslStep.Success) step).account();
            guard.succeeded();
            log.info("smtp client={} authenticated as {} with {}", clientIp, LogText.of(user), mechanism);
            reply("235 2.7.0 Authentication successful");
            next();
            return;
        }
        SaslStep.Failure failure = (SaslStep.Failure) step;
        switch (failure.reason()) {
            case CANCELLED:
                reply("501 5.0.0 Authentication cancelled");
                break;
            case MALFORMED:
                error("501 5.5.2 Cannot decode response");
                break;
            case TEMPORARY:
                reply("454 4.7.0 Temporary authentication failure");
                break;
            default:
                // Wrong password, unknown user, someone else's authzid, bad channel binding: one answer for all,
                // after a delay that grows with the failures (the guard's, not an error count's).
                log.info("smtp client={} failed to authenticate as {} with {}", clientIp, LogText.of(login), mechanism);
                Metrics.get().loginFailed("smtp");
                replyDelayMillis = guard.failed().toMillis();
                if (guard.exhausted()) {
                    reply("535 5.7.8 Authentication credentials invalid");
                    ctx.executor().schedule(() -> fatal("421 4.7.0 " + settings.hostname()
                            + " Error: too many failed authentications"), replyDelayMillis, TimeUnit.MILLISECONDS);
                    return;
                }
                reply("535 5.7.8 Authentication credentials invalid");
        }
        next();
    }

    /** RFC 3207 section 4.2: forget everything learned before TLS; the client starts over with EHLO. */
    private void afterTls() {
        resetTransaction();
        heloName = null;
        esmtp = false;
        user = null;
        state = State.CONNECTED;
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
        if (auth != null && user == null) {
            error("530 5.7.0 Authentication required");
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
        List<String> params = parameters(parsed.rest());
        if (!params.isEmpty() && !esmtp) {
            error("555 5.5.4 Parameters need EHLO");
            return;
        }
        boolean utf8 = false;
        boolean binary = false;
        String envidValue = null;
        Dsn.Ret retValue = null;
        Set<String> seen = new java.util.HashSet<>();
        for (String param : params) {
            String key = keyOf(param);
            String value = valueOf(param);
            if (!seen.add(key)) {
                error("501 5.5.4 Duplicate parameter " + key);
                return;
            }
            switch (key) {
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
                    // RFC 6152: 8-bit text is stored as it comes; RFC 3030: BINARYMIME only with BDAT.
                    if ("BINARYMIME".equalsIgnoreCase(value)) {
                        binary = true;
                    } else if (value == null || !(value.equalsIgnoreCase("7BIT") || value.equalsIgnoreCase("8BITMIME"))) {
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
                case "RET":
                    if ("FULL".equalsIgnoreCase(value)) {
                        retValue = Dsn.Ret.FULL;
                    } else if ("HDRS".equalsIgnoreCase(value)) {
                        retValue = Dsn.Ret.HDRS;
                    } else {
                        error("501 5.5.4 Bad RET parameter (FULL or HDRS)");
                        return;
                    }
                    break;
                case "AUTH":
                    // RFC 4954 section 5: the submitter's identity for the next hop; we know our user already.
                    break;
                case "ENVID":
                    envidValue = Xtext.decode(value);
                    if (envidValue == null || envidValue.length() > MAX_ENVID) {
                        error("501 5.5.4 Bad ENVID parameter");
                        return;
                    }
                    break;
                default:
                    error("555 5.5.4 Unsupported option: " + key);
                    return;
            }
        }
        if (parsed.address() != null && parsed.address().needsUtf8() && !utf8) {
            error("553 5.6.7 Sender address needs SMTPUTF8"); // RFC 6531 section 3.5
            return;
        }
        if (user != null && parsed.address() != null && !owns(parsed.address())) {
            error("553 5.7.1 <" + parsed.address() + ">: Sender address rejected: not owned by user " + user);
            return;
        }
        sender = parsed.address();
        smtpUtf8 = utf8;
        binaryMime = binary;
        envid = envidValue;
        ret = retValue;
        recipients.clear();
        recipientDsn.clear();
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
            parsed = parseRecipient(path);
        } catch (IllegalArgumentException e) {
            error("501 5.1.3 Bad recipient address syntax: " + e.getMessage());
            return;
        } catch (IOException e) {
            reply("451 4.3.0 Temporary lookup failure, try again later");
            return;
        }
        Set<Dsn.Notify> notify = null;
        String orcpt = null;
        Set<String> seen = new java.util.HashSet<>();
        for (String param : parameters(parsed.rest())) {
            String key = keyOf(param);
            String value = valueOf(param);
            if (!esmtp || !seen.add(key)) {
                error("501 5.5.4 Bad or duplicate parameter " + key);
                return;
            }
            if (key.equals("NOTIFY")) {
                notify = parseNotify(value);
                if (notify == null) {
                    error("501 5.5.4 Bad NOTIFY parameter (NEVER, or SUCCESS, FAILURE, DELAY)");
                    return;
                }
            } else if (key.equals("ORCPT")) {
                orcpt = parseOrcpt(value);
                if (orcpt == null) {
                    error("501 5.5.4 Bad ORCPT parameter (addr-type;xtext)");
                    return;
                }
            } else {
                error("555 5.5.4 Unsupported option: " + key);
                return;
            }
        }
        MailAddress rcpt = parsed.address();
        if (rcpt.needsUtf8() && !smtpUtf8) {
            error("553 5.6.7 Recipient address needs SMTPUTF8");
            return;
        }
        Router.Decision decision;
        try {
            decision = router.check(rcpt, settings.mayRelay() || user != null);
        } catch (IOException e) {
            log.warn("recipient lookup failed for {}: {}", LogText.of(rcpt.toString()), e.toString());
            reply("451 4.3.0 <" + rcpt + ">: Temporary lookup failure, try again later");
            return;
        }
        switch (decision) {
            case LOCAL:
            case REMOTE:
                recipients.add(rcpt);
                if (notify != null || orcpt != null) recipientDsn.put(rcpt.canonical(), new Dsn.RecipientDsn(notify, orcpt));
                reply("250 2.1.5 Ok");
                break;
            case UNKNOWN_USER:
                Metrics.get().messageRefused("550 5.1.1");
                error("550 5.1.1 <" + rcpt + ">: Recipient address rejected: User unknown");
                break;
            case RELAY_DENIED:
                Metrics.get().messageRefused("550 5.7.1");
                error("550 5.7.1 <" + rcpt + ">: Relay access denied");
                break;
            case MAILBOX_FULL:
                // RFC 3463 X.2.2 is a persistent transient failure: the user can make room, the client retries
                // this recipient later while the others get the message now. Not counted as a client error.
                Metrics.get().messageRefused("452 4.2.2");
                reply("452 4.2.2 <" + rcpt + ">: Mailbox full, try again later");
                break;
        }
    }

    /**
     * The forward path, with the two forms that name this host rather than a domain: {@code <Postmaster>}
     * without a domain (RFC 5321 section 4.5.1 requires it) and an address literal of the IP address the client
     * connected to (section 4.1.3).
     */
    private SmtpPath.Parsed parseRecipient(String path) throws IOException {
        if (path.regionMatches(true, 0, "<postmaster>", 0, 12)) {
            return new SmtpPath.Parsed(new MailAddress("postmaster", router.primaryDomain(settings.hostname())),
                    path.substring(12));
        }
        SmtpPath.Parsed parsed = SmtpPath.parse(path, false);
        String domain = parsed.address().domain();
        if (domain.startsWith("[") && isOurAddressLiteral(domain)) {
            return new SmtpPath.Parsed(new MailAddress(parsed.address().localPart(),
                    router.primaryDomain(settings.hostname())), parsed.rest());
        }
        return parsed;
    }

    private boolean isOurAddressLiteral(String literal) {
        if (!(ctx.channel().localAddress() instanceof InetSocketAddress)) return false;
        String ip = ((InetSocketAddress) ctx.channel().localAddress()).getAddress().getHostAddress();
        String inner = literal.substring(1, literal.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) inner = inner.substring(5);
        return inner.equalsIgnoreCase(ip);
    }

    private void data(String arg) {
        if (state != State.MAIL) {
            error("503 5.5.1 Error: need RCPT command");
        } else if (recipients.isEmpty()) {
            error("554 5.5.1 Error: no valid recipients");
        } else if (!arg.isEmpty()) {
            error("501 5.5.4 Syntax: DATA");
        } else if (binaryMime) {
            error("503 5.5.1 Error: BODY=BINARYMIME requires BDAT"); // RFC 3030 section 3
        } else if (openSpool()) {
            state = State.DATA;
            reply("354 End data with <CR><LF>.<CR><LF>");
            decoder.resume(SmtpDecoder.Mode.DATA, settings.maxMessageSize());
            return;
        }
        next();
    }

    /**
     * Starts the spool file with our trace headers (without them when the checks must see the client's message
     * first); false (with the reply sent) if the store refuses.
     */
    private boolean openSpool() {
        messageId = QueueIds.next(clock);
        spoolError = null;
        headers = new HeaderScanner();
        submissionRefusal = null;
        if (user != null) submitted = new SubmissionHeaders();
        try {
            spool = blobs.create();
            if (checks == null) spool.write(traceHeaders().getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IOException e) {
            log.warn("id={} cannot open spool: {}", messageId, e.toString());
            abortSpool();
            reply("451 4.3.0 Error: cannot store message now, try again later");
            return false;
        }
    }

    /**
     * BDAT (RFC 3030): the chunk's octets follow the command at once, so even a refused BDAT is read to its
     * end before the reply; only a BDAT whose size we cannot read ends the session, since we cannot find
     * where its chunk ends.
     */
    private void bdat(String arg) {
        String[] parts = arg.trim().split(" +");
        long size;
        try {
            size = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            size = -1;
        }
        boolean last = parts.length == 2 && parts[1].equalsIgnoreCase("LAST");
        if (size < 0 || parts.length > 2 || (parts.length == 2 && !last)) {
            fatal("501 5.5.4 Syntax: BDAT size [LAST]; cannot find the end of this chunk, closing");
            return;
        }
        chunkSize = size;
        lastChunk = last;
        chunkRefusal = null;
        if (state == State.MAIL && recipients.isEmpty()) {
            chunkRefusal = "554 5.5.1 Error: no valid recipients";
        } else if (state != State.MAIL && state != State.CHUNKING) {
            chunkRefusal = "503 5.5.1 Error: need RCPT command";
        } else if (state == State.MAIL) {
            if (openSpool()) {
                chunkedSize = 0;
                state = State.CHUNKING;
            } else {
                chunkRefusal = "451 4.3.0 Error: cannot store message now, try again later";
                replyDelayMillis = 0;
            }
        }
        if (chunkRefusal == null && chunkedSize + size > settings.maxMessageSize()) {
            chunkRefusal = "552 5.3.4 Error: message exceeds fixed limit of " + settings.maxMessageSize() + " octets";
        }
        if (size == 0) {
            endOfChunk(); // nothing to read (BDAT 0 LAST ends a message)
        } else {
            decoder.resume(SmtpDecoder.Mode.BDAT, size);
        }
    }

    private void endOfChunk() {
        if (chunkRefusal != null) {
            if (state == State.CHUNKING) resetTransaction(); // RFC 3030 section 2: a failed chunk ends the message
            error(chunkRefusal);
            next();
            return;
        }
        chunkedSize += chunkSize;
        if (!lastChunk) {
            reply("250 2.0.0 " + chunkSize + " octets received");
            next();
            return;
        }
        finishMessage(chunkedSize, false, false, false);
    }

    /**
     * Return-Path (RFC 5321 section 4.4: added at final delivery; our blob serves local delivery, and the
     * outbound client drops this first line when it relays) and our Received line, with the protocol as
     * RFC 3848 and RFC 6531 name it.
     */
    private String traceHeaders() {
        boolean secure = tlsActive();
        String protocol = (smtpUtf8 ? "UTF8SMTP" : esmtp ? "ESMTP" : "SMTP") + (secure ? "S" : "")
                + (user != null ? "A" : "");
        String client = auth != null && auth.hideClientAddress() ? "" : " ([" + clientIp + "])";
        String tlsComment = "";
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl != null) {
            SSLSession session = ssl.engine().getSession();
            tlsComment = "\r\n\t(using " + session.getProtocol() + " with cipher " + session.getCipherSuite() + ")";
        }
        String rcptClause = recipients.size() == 1 ? "\r\n\tfor <" + recipients.get(0) + ">" : "";
        return "Return-Path: " + (sender == null ? "<>" : "<" + sender + ">") + "\r\n"
                + "Received: from " + heloName + client + tlsComment + "\r\n"
                + "\tby " + settings.hostname() + " (Mailroom) with " + protocol + " id " + messageId
                + rcptClause + ";\r\n"
                + "\t" + RFC5322_DATE.format(clock.instant()) + "\r\n";
    }

    private void spool(ByteBuf chunk) {
        if (state == State.CHUNKING && chunkRefusal != null) return; // a refused chunk is read and dropped
        if (spool == null || spoolError != null) return;
        headers.scan(chunk);
        if (submitted != null && !submitted.complete()) {
            ByteBuf body = submitted.offer(chunk);
            if (body == null) return; // still in the header section
            try {
                writeSubmittedHeaders();
                write(body);
            } finally {
                body.release();
            }
            return;
        }
        write(chunk);
    }

    private void write(ByteBuf bytes) {
        if (spoolError != null) return;
        try {
            for (ByteBuffer b : bytes.nioBuffers()) spool.write(b);
        } catch (IOException e) {
            spoolError = e; // keep reading to the end of the data, then answer 451
        }
    }

    /**
     * The submitted header section is complete: check that From: names the user (else the message is refused
     * at its end), and add Message-ID and Date if the client left them out (RFC 6409 section 8.2 and 8.3).
     */
    private void writeSubmittedHeaders() {
        if (submitted.tooLarge()) {
            submissionRefusal = "552 5.3.4 Error: header section larger than " + SubmissionHeaders.MAX_HEADER_BYTES + " octets";
        }
        for (String from : submitted.fields("From")) {
            for (String address : SubmissionHeaders.addresses(from)) {
                boolean mine;
                try {
                    mine = owns(MailAddress.parse(address));
                } catch (IllegalArgumentException e) {
                    mine = false;
                }
                if (!mine && submissionRefusal == null) {
                    submissionRefusal = "553 5.7.1 From: header address <" + LogText.of(address)
                            + "> not owned by user " + user;
                }
            }
        }
        StringBuilder added = new StringBuilder();
        if (submitted.fields("Message-ID").isEmpty()) {
            added.append("Message-ID: <").append(messageId).append('.').append(clock.millis()).append('@')
                 .append(settings.hostname()).append(">\r\n");
        }
        if (submitted.fields("Date").isEmpty()) {
            added.append("Date: ").append(RFC5322_DATE.format(clock.instant())).append("\r\n");
        }
        write(Unpooled.wrappedBuffer(added.toString().getBytes(StandardCharsets.UTF_8)));
        write(submitted.held());
        submitted.release();
    }

    private boolean owns(MailAddress address) {
        try {
            return auth.ownership().owns(user, address);
        } catch (IOException e) {
            log.warn("ownership check failed for {}: {}", user, e.toString());
            return false;
        }
    }

    private void endOfData(SmtpInput.DataEnd end) {
        finishMessage(end.size(), end.tooBig(), end.bareLineEnding(), end.longLine());
    }

    private void finishMessage(long size, boolean tooBig, boolean bareLineEnding, boolean longLine) {
        state = State.READY;
        if (submitted != null && !submitted.complete() && spool != null) writeSubmittedHeaders(); // no body at all
        submitted = null;
        String refusal = submissionRefusal;
        if (refusal != null) {
            // From: not the user's, or a header section too large: decided while spooling.
        } else if (tooBig) {
            refusal = "552 5.3.4 Error: message exceeds fixed limit of " + settings.maxMessageSize() + " octets";
        } else if (bareLineEnding) {
            refusal = "554 5.5.2 Error: bare <CR> or <LF> in message; lines must end with <CR><LF>";
        } else if (longLine) {
            refusal = "554 5.5.2 Error: message line longer than " + settings.textLineLimit() + " octets";
        } else if (headers.receivedHeaders() > settings.maxReceivedHeaders()) {
            refusal = "554 5.4.6 Error: too many hops (" + headers.receivedHeaders() + " Received headers), mail loop?";
        } else if (spoolError != null) {
            log.warn("id={} spool write failed: {}", messageId, spoolError.toString());
            refusal = "451 4.3.0 Error: cannot store message now, try again later";
        }
        if (refusal != null) {
            abortSpool();
            logMessage(size, refusal);
            reply(refusal);
        } else {
            reply(deliver(size));
        }
        resetTransaction();
        next();
    }

    /** Makes the message durable for every recipient, then says so; returns the reply to the data. */
    private String deliver(long size) {
        Dsn dsn = envid == null && ret == null && recipientDsn.isEmpty() ? Dsn.NONE : new Dsn(envid, ret, recipientDsn);
        Envelope envelope = new Envelope(messageId, sender, recipients, heloName, clientIp, transactionStart, dsn, user);
        String blobId;
        long stored;
        String authResults = "";
        if (checks != null) {
            // The spool holds the client's bytes alone: the checks read them, and the copy to store is a new blob.
            InboundChecks.Outcome checked;
            try {
                checked = checks.check(new InboundAuthenticator.Inbound(clientAddress(), heloName,
                        sender == null ? "" : sender.toString()), spool, traceHeaders());
            } catch (IOException e) {
                log.warn("id={} authentication checks could not read or write the message: {}", messageId, e.toString());
                logMessage(size, "451 4.3.0 (checks: " + e + ")");
                return "451 4.3.0 Error: cannot store message now, try again later";
            } finally {
                abortSpool(); // the client's bytes: read, copied or refused, never kept
            }
            authResults = " auth=" + checked.summary();
            if (checked.refusal() != null) {
                logMessage(size, checked.refusal() + authResults);
                return checked.refusal();
            }
            blobId = checked.blobId();
            stored = checked.size();
            if (checked.quarantine()) envelope = envelope.quarantine();
        } else {
            stored = spool.size();
            try {
                blobId = spool.commit();
            } catch (IOException e) {
                log.warn("id={} spool commit failed: {}", messageId, e.toString());
                abortSpool();
                return "451 4.3.0 Error: cannot store message now, try again later";
            }
            spool = null;
        }
        List<RecipientResult> results = router.deliver(envelope, blobId, stored);
        long accepted = results.stream().filter(RecipientResult::accepted).count();
        boolean temporary = results.stream().anyMatch(r -> r.status() == RecipientResult.Status.TEMPORARY_FAILURE);
        String reply;
        if (temporary || accepted == 0) {
            if (accepted == 0) deleteQuietly(blobId);
            // Any temporary failure fails the message: the client retries all recipients. Recipients that
            // were stored may then get it twice, which is better than never.
            // A recipient whose mailbox this message would overfill is a temporary failure like any other
            // (RFC 3463 X.2.2); only the text differs when it is the only kind.
            boolean onlyFull = results.stream().filter(r -> r.status() == RecipientResult.Status.TEMPORARY_FAILURE)
                    .allMatch(RecipientResult::isMailboxFull);
            reply = !temporary ? "554 5.1.1 Error: no valid recipients"
                    : onlyFull ? "452 4.2.2 Error: mailbox full, try again later"
                    : "451 4.3.0 Error: cannot store message now, try again later";
        } else {
            messagesAccepted++;
            reply = "250 2.0.0 Ok: queued as " + messageId;
        }
        logMessage(size, reply + authResults + " " + results.stream()
                .map(r -> "<" + r.recipient() + "> " + r.status().name().toLowerCase(Locale.ROOT) + " (" + r.where() + ")")
                .collect(Collectors.joining(", ")));
        return reply;
    }

    /** The client's address for the checks (SPF's {@code <ip>}); the loopback address if the channel has none. */
    private InetAddress clientAddress() {
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress) {
            return ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        }
        return InetAddress.getLoopbackAddress();
    }

    /** Logs and counts the outcome of one message: called once per message that reached its end of data. */
    private void logMessage(long size, String result) {
        if (result.startsWith("250")) {
            Metrics.get().messageAccepted();
        } else {
            Metrics.get().messageRefused(result);
        }
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
        binaryMime = false;
        envid = null;
        ret = null;
        recipients.clear();
        recipientDsn.clear();
        if (state == State.MAIL || state == State.DATA || state == State.CHUNKING) state = State.READY;
    }

    private void abortSpool() {
        if (submitted != null) {
            submitted.release();
            submitted = null;
        }
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

    private boolean tlsActive() {
        return StartTls.isActive(ctx.channel());
    }

    /** Reads the next command, after the error delay if one applies. */
    private void next() {
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

    private void reply(String text) {
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
    private void error(String text) {
        errors++;
        if (errors > settings.maxErrors()) {
            fatal("421 4.7.0 " + settings.hostname() + " Error: too many errors");
            return;
        }
        if (errors > settings.maxErrors() / 2) replyDelayMillis = settings.errorDelay().toMillis();
        reply(text);
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

    /** No transaction under way: a stopping server can end the session without losing a message. */
    private boolean betweenTransactions() {
        return state == State.CONNECTED || state == State.READY || state == State.AUTH;
    }

    private String shuttingDown() {
        return "421 4.3.2 " + settings.hostname() + " Service shutting down";
    }

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
        abortSpool(); // a client gone mid-DATA leaves no message behind
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

    private static String keyOf(String param) {
        int eq = param.indexOf('=');
        return (eq < 0 ? param : param.substring(0, eq)).toUpperCase(Locale.ROOT);
    }

    private static String valueOf(String param) {
        int eq = param.indexOf('=');
        return eq < 0 ? null : param.substring(eq + 1);
    }

    /** NOTIFY=NEVER or a comma list of SUCCESS, FAILURE, DELAY (RFC 3461 section 4.1); null if malformed. */
    private static Set<Dsn.Notify> parseNotify(String value) {
        if (value == null || value.isEmpty()) return null;
        if (value.equalsIgnoreCase("NEVER")) return EnumSet.noneOf(Dsn.Notify.class);
        Set<Dsn.Notify> set = EnumSet.noneOf(Dsn.Notify.class);
        for (String item : value.split(",", -1)) {
            try {
                if (!set.add(Dsn.Notify.valueOf(item.toUpperCase(Locale.ROOT)))) return null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return set;
    }

    /** ORCPT=addr-type;xtext (RFC 3461 section 4.2), returned decoded as {@code type;address}; null if malformed. */
    private static String parseOrcpt(String value) {
        if (value == null) return null;
        int semi = value.indexOf(';');
        if (semi <= 0) return null;
        String address = Xtext.decode(value.substring(semi + 1));
        if (address == null || address.isEmpty()) return null;
        return value.substring(0, semi) + ";" + address;
    }

    private static boolean hasControlCharacters(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) return true;
        }
        return false;
    }
}

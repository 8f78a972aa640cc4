package org.mailroom.protocol.managesieve;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslChannel;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.auth.SaslServer;
import org.mailroom.core.auth.SaslStep;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.core.store.SieveScripts.Script;
import org.mailroom.protocol.Listener;
import org.mailroom.protocol.tls.ChannelBinding;
import org.mailroom.protocol.tls.StartTls;
import org.mailroom.protocol.tls.TlsContext;
import org.mailroom.sieve.SieveSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ManageSieve connection (RFC 5804). Runs on a blocking executor: logins hash passwords, PUTSCRIPT compiles
 * and stores. Commands are queued and handled one by one; while a failed login's delay runs the queue waits and
 * the channel stops reading.
 */
final class ManageSieveSession extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ManageSieveSession.class);

    /** RFC 5804 section 1.4 (the third state, TLS negotiation, is the decoder's AWAIT_TLS). */
    enum State { NOT_AUTHENTICATED, AUTHENTICATED }

    private static final Set<State> BEFORE_LOGIN = EnumSet.of(State.NOT_AUTHENTICATED);
    private static final Set<State> LOGGED_IN = EnumSet.of(State.AUTHENTICATED);
    private static final Set<State> ANY = EnumSet.allOf(State.class);

    /** Every command and the states it is valid in (RFC 5804 section 2). */
    enum Verb {
        AUTHENTICATE(BEFORE_LOGIN), STARTTLS(BEFORE_LOGIN),
        CAPABILITY(ANY), LOGOUT(ANY), NOOP(ANY),
        HAVESPACE(LOGGED_IN), PUTSCRIPT(LOGGED_IN), CHECKSCRIPT(LOGGED_IN), LISTSCRIPTS(LOGGED_IN),
        SETACTIVE(LOGGED_IN), GETSCRIPT(LOGGED_IN), DELETESCRIPT(LOGGED_IN), RENAMESCRIPT(LOGGED_IN),
        UNAUTHENTICATE(LOGGED_IN);

        final Set<State> validIn;

        Verb(Set<State> validIn) {
            this.validIn = validIn;
        }

        static Verb find(String name) {
            for (Verb verb : values()) if (verb.name().equals(name)) return verb;
            return null;
        }
    }

    /** Commands that fail to parse or are unknown, then BYE: a client this confused is not a mail client. */
    static final int MAX_BAD_COMMANDS = 20;
    /** RFC 5804 section 1.6 leaves the length to us; Dovecot's limit is about the same. */
    static final int MAX_NAME_LENGTH = 128;

    private final ManageSieveSettings settings;
    private final SieveScripts scripts;
    private final ScriptCompiler compiler;
    private final SaslMechanisms sasl;
    private final LoginGuard loginGuard;
    private final TlsContext tls;

    private State state = State.NOT_AUTHENTICATED;
    private ChannelHandlerContext sessionCtx;
    private LoginGuard.Connection guard;
    private String account;
    /** The SASL exchange in progress: the next command is the client's response (a string). */
    private SaslServer exchange;
    private boolean upgrading;
    private boolean delaying;
    private boolean closing;
    private int badCommands;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();

    // For the one log line at the end.
    private String loginName;
    private int uploaded;
    private String outcome = "disconnected";

    ManageSieveSession(ManageSieveSettings settings, SieveScripts scripts, ScriptCompiler compiler,
                       SaslMechanisms sasl, LoginGuard loginGuard, TlsContext tls) {
        this.settings = settings;
        this.scripts = scripts;
        this.compiler = compiler;
        this.sasl = sasl;
        this.loginGuard = loginGuard;
        this.tls = tls;
    }

    // ---- Netty events ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        sessionCtx = ctx;
        SocketAddress remote = ctx.channel().remoteAddress();
        guard = loginGuard.connection(remote instanceof InetSocketAddress ? ((InetSocketAddress) remote).getAddress() : null);
        // RFC 5804 section 1.7: the greeting is the capability list.
        ctx.writeAndFlush(capabilities(ctx) + "OK \"" + settings.hostname() + " Mailroom ManageSieve ready\"");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        pending.add(msg);
        drain(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == Listener.STOPPING) {
            if (sessionCtx != null && !closing) {
                outcome = "server stopping";
                bye(ctx, "BYE (TRYLATER) \"Server shutting down\"");
            }
            return;
        }
        if (event instanceof IdleStateEvent && !closing) {
            outcome = "idle timeout";
            bye(ctx, "BYE \"Idle timeout\"");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("ManageSieve connection error from {}: {}", clientIp(ctx), cause.toString());
        } else {
            LOG.warn("ManageSieve session error from {}", clientIp(ctx), cause);
            outcome = "error";
        }
        closing = true;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pending.clear();
        LOG.info("ManageSieve session closed: client={} user={} uploaded={} result={}", clientIp(ctx),
                loginName == null ? "-" : loginName, uploaded, outcome);
    }

    private void drain(ChannelHandlerContext ctx) {
        Object next;
        while (!delaying && !closing && (next = pending.poll()) != null) handle(ctx, next);
        if (closing) pending.clear();
        ctx.flush();
        ctx.channel().config().setAutoRead(!delaying);
    }

    private void handle(ChannelHandlerContext ctx, Object input) {
        try {
            if (input == ManageSieveDecoder.Signal.LITERAL_TOO_BIG_TO_READ) {
                outcome = "literal too big";
                bye(ctx, "BYE (QUOTA/MAXSIZE) \"Literal too big, closing\"");
            } else if (input instanceof ManageSieveDecoder.Signal signal) {
                exchange = null; // a response cut short ends the exchange
                if (signal == ManageSieveDecoder.Signal.LITERAL_TOO_BIG) {
                    reply(ctx, "NO (QUOTA/MAXSIZE) \"Script over " + settings.maxScriptSize() + " octets\"");
                } else {
                    badCommand(ctx, "Line too long");
                }
            } else if (exchange != null) {
                saslResponse(ctx, (ManageSieveDecoder.Command) input);
            } else {
                command(ctx, (ManageSieveDecoder.Command) input);
            }
        } catch (Exception e) {
            // Never a stack trace to the client.
            LOG.warn("ManageSieve command failed for {}", loginName == null ? clientIp(ctx) : loginName, e);
            reply(ctx, "NO (TRYLATER) \"Internal error, try again later\"");
        } finally {
            // The decoder waits after STARTTLS; unless TLS is starting, it reads on.
            if (input instanceof ManageSieveDecoder.Command command && ManageSieveDecoder.isStartTls(command)
                    && !upgrading) {
                ManageSieveDecoder decoder = ctx.pipeline().get(ManageSieveDecoder.class);
                if (decoder != null) ctx.channel().eventLoop().execute(decoder::resume);
            }
        }
    }

    // ---- commands ----

    private void command(ChannelHandlerContext ctx, ManageSieveDecoder.Command input) throws IOException {
        Arguments args;
        Verb verb;
        try {
            args = Arguments.parse(input);
            verb = Verb.find(args.verb());
        } catch (Arguments.SyntaxException e) {
            badCommand(ctx, e.getMessage());
            return;
        }
        if (verb == null) {
            badCommand(ctx, "Unknown command");
            return;
        }
        if (!verb.validIn.contains(state)) {
            reply(ctx, "NO \"" + verb + " is not valid " + (state == State.AUTHENTICATED
                    ? "after authentication" : "before authentication") + "\"");
            return;
        }
        try {
            switch (verb) {
                case CAPABILITY -> { args.end(); reply(ctx, capabilities(ctx) + "OK"); }
                case LOGOUT -> { args.end(); outcome = "LOGOUT"; bye(ctx, "OK \"Logout complete\""); }
                case NOOP -> noop(ctx, args);
                case STARTTLS -> { args.end(); startTls(ctx); }
                case AUTHENTICATE -> authenticate(ctx, args);
                case UNAUTHENTICATE -> { args.end(); state = State.NOT_AUTHENTICATED; account = null; reply(ctx, "OK"); }
                case HAVESPACE -> haveSpace(ctx, args);
                case PUTSCRIPT -> putScript(ctx, args);
                case CHECKSCRIPT -> checkScript(ctx, args);
                case LISTSCRIPTS -> listScripts(ctx, args);
                case SETACTIVE -> setActive(ctx, args);
                case GETSCRIPT -> getScript(ctx, args);
                case DELETESCRIPT -> deleteScript(ctx, args);
                case RENAMESCRIPT -> renameScript(ctx, args);
                default -> throw new IllegalStateException("verb " + verb);
            }
        } catch (Arguments.SyntaxException e) {
            badCommand(ctx, verb + ": " + e.getMessage());
        }
    }

    /** RFC 5804 section 2.4: capabilities, one per line; OWNER only once authenticated (section 1.7). */
    private String capabilities(ChannelHandlerContext ctx) {
        StringBuilder out = new StringBuilder();
        out.append("\"IMPLEMENTATION\" \"Mailroom\"\r\n");
        out.append("\"SASL\" ").append(quote(state == State.AUTHENTICATED ? ""
                : String.join(" ", sasl.offered(saslChannel(ctx))))).append("\r\n");
        out.append("\"SIEVE\" ").append(quote(String.join(" ", new TreeSet<>(compiler.extensions())))).append("\r\n");
        if (tls != null && !StartTls.isActive(ctx.channel()) && state == State.NOT_AUTHENTICATED) {
            out.append("\"STARTTLS\"\r\n");
        }
        out.append("\"MAXREDIRECTS\" \"").append(settings.maxRedirects()).append("\"\r\n");
        if (state == State.AUTHENTICATED) out.append("\"OWNER\" ").append(quote(account)).append("\r\n");
        out.append("\"VERSION\" \"1.0\"\r\n");
        return out.toString();
    }

    private void noop(ChannelHandlerContext ctx, Arguments args) throws Arguments.SyntaxException {
        // RFC 5804 section 2.13: an optional string echoed in a TAG response code.
        String tag = args.isEmpty() ? null : args.string("a tag");
        args.end();
        reply(ctx, tag == null ? "OK \"Done\"" : "OK (TAG " + quote(tag) + ") \"Done\"");
    }

    /** RFC 5804 section 2.2: after the handshake the capabilities again, and an OK. */
    private void startTls(ChannelHandlerContext ctx) {
        if (tls == null) {
            reply(ctx, "NO \"STARTTLS not available\"");
            return;
        }
        if (StartTls.isActive(ctx.channel())) {
            reply(ctx, "NO \"TLS is already active\"");
            return;
        }
        upgrading = true;
        ctx.flush();
        StartTls.upgrade(ctx.channel(), tls, "OK \"Begin TLS negotiation now\"").addListener(handshake -> {
            if (handshake.isSuccess()) ctx.executor().execute(() -> {
                upgrading = false;
                ctx.writeAndFlush(capabilities(ctx) + "OK \"TLS negotiation successful\"");
            });
        });
    }

    // ---- authentication ----

    /** RFC 5804 section 2.1: {@code AUTHENTICATE "mechanism" ["initial response"]}. */
    private void authenticate(ChannelHandlerContext ctx, Arguments args) throws Arguments.SyntaxException, IOException {
        String mechanism = args.string("the mechanism");
        String initial = args.isEmpty() ? null : args.string("the initial response");
        args.end();
        SaslChannel channel = saslChannel(ctx);
        switch (sasl.availability(mechanism, channel)) {
            case UNKNOWN -> {
                reply(ctx, "NO \"Unsupported authentication mechanism\"");
                return;
            }
            case NEEDS_TLS -> {
                reply(ctx, "NO (ENCRYPT-NEEDED) \"Use STARTTLS before sending a password\"");
                return;
            }
            default -> { }
        }
        if (!guard.mayAttempt()) {
            tooManyAttempts(ctx);
            return;
        }
        exchange = sasl.start(mechanism, channel);
        byte[] response = null;
        if (initial != null) {
            response = base64(initial);
            if (response == null) {
                exchange = null;
                reply(ctx, "NO \"Malformed authentication response\"");
                return;
            }
        }
        saslStep(ctx, response);
    }

    /** The client's answer to a challenge: one string, base64, or "*" to cancel. */
    private void saslResponse(ChannelHandlerContext ctx, ManageSieveDecoder.Command input) throws IOException {
        String value;
        try {
            Arguments args = Arguments.parse(input);
            value = args.string("the response");
            args.end();
        } catch (Arguments.SyntaxException e) {
            exchange = null;
            reply(ctx, "NO \"Malformed authentication response\"");
            return;
        }
        if (value.equals("*")) {
            exchange = null;
            reply(ctx, "NO \"Authentication cancelled\"");
            return;
        }
        byte[] response = base64(value);
        if (response == null) {
            exchange = null;
            reply(ctx, "NO \"Malformed authentication response\"");
            return;
        }
        saslStep(ctx, response);
    }

    private void saslStep(ChannelHandlerContext ctx, byte[] response) {
        SaslStep step;
        try {
            step = exchange.step(response);
        } catch (IOException e) {
            LOG.warn("ManageSieve SASL for {}: directory unavailable: {}", exchange.claimedLogin(), e.toString());
            exchange = null;
            reply(ctx, "NO (TRYLATER) \"Authentication is unavailable, try again later\"");
            return;
        }
        if (exchange.claimedLogin() != null) loginName = exchange.claimedLogin();
        if (step instanceof SaslStep.Challenge challenge) {
            reply(ctx, quote(challenge.base64()));
            return;
        }
        exchange = null;
        if (step instanceof SaslStep.Success success) {
            guard.succeeded();
            account = success.account();
            loginName = account;
            state = State.AUTHENTICATED;
            byte[] last = success.finalData();
            reply(ctx, last == null ? "OK \"Logged in\""
                    : "OK (SASL " + quote(Base64.getEncoder().encodeToString(last)) + ") \"Logged in\"");
            return;
        }
        SaslStep.Failure failure = (SaslStep.Failure) step;
        switch (failure.reason()) {
            case CANCELLED -> reply(ctx, "NO \"Authentication cancelled\"");
            case MALFORMED -> reply(ctx, "NO \"Malformed authentication response\"");
            case TEMPORARY -> reply(ctx, "NO (TRYLATER) \"Authentication is unavailable, try again later\"");
            default -> loginFailed(ctx);
        }
    }

    /** A failed login: the reply waits for the guard's delay without a sleeping thread; the last one closes. */
    private void loginFailed(ChannelHandlerContext ctx) {
        Metrics.get().loginFailed("managesieve");
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
        if (close) bye(ctx, "BYE \"Too many authentication failures\"");
        else reply(ctx, "NO \"Authentication failed\"");
    }

    private void tooManyAttempts(ChannelHandlerContext ctx) {
        outcome = "login attempts over the rate limit";
        bye(ctx, "BYE (TRYLATER) \"Too many login attempts, try again later\"");
    }

    // ---- scripts ----

    /** RFC 5804 section 2.5: would a script of this name and size fit? */
    private void haveSpace(ChannelHandlerContext ctx, Arguments args) throws Arguments.SyntaxException, IOException {
        String name = args.string("the script name");
        long size = args.number("the size");
        args.end();
        String bad = badName(name);
        if (bad != null) {
            reply(ctx, "NO " + quote(bad));
            return;
        }
        String refusal = quota(name, size);
        reply(ctx, refusal == null ? "OK" : refusal);
    }

    /** The refusal for a script of this name and size, or null if it fits. */
    private String quota(String name, long size) throws IOException {
        if (size > settings.maxScriptSize()) {
            return "NO (QUOTA/MAXSIZE) \"Script over " + settings.maxScriptSize() + " octets\"";
        }
        List<Script> existing = scripts.list(account);
        boolean replaces = existing.stream().anyMatch(s -> s.name().equals(name));
        if (!replaces && existing.size() >= settings.maxScripts()) {
            return "NO (QUOTA/MAXSCRIPTS) \"At most " + settings.maxScripts() + " scripts\"";
        }
        return null;
    }

    /** RFC 5804 section 2.6: compiled before it is stored; a script that does not compile is not stored. */
    private void putScript(ChannelHandlerContext ctx, Arguments args) throws Arguments.SyntaxException, IOException {
        String name = args.string("the script name");
        String text = args.string("the script");
        args.end();
        String bad = badName(name);
        if (bad != null) {
            reply(ctx, "NO " + quote(bad));
            return;
        }
        String refusal = quota(name, text.getBytes(StandardCharsets.UTF_8).length);
        if (refusal != null) {
            reply(ctx, refusal);
            return;
        }
        if (!compiles(ctx, name, text)) return;
        scripts.put(account, name, text);
        uploaded++;
        reply(ctx, "OK");
    }

    /** RFC 5804 section 2.12: compile only. */
    private void checkScript(ChannelHandlerContext ctx, Arguments args) throws Arguments.SyntaxException {
        String text = args.string("the script");
        args.end();
        if (text.getBytes(StandardCharsets.UTF_8).length > settings.maxScriptSize()) {
            reply(ctx, "NO (QUOTA/MAXSIZE) \"Script over " + settings.maxScriptSize() + " octets\"");
            return;
        }
        if (compiles(ctx, "CHECKSCRIPT", text)) reply(ctx, "OK");
    }

    /** Replies NO with the compiler's "line N: ..." when the script does not compile. */
    private boolean compiles(ChannelHandlerContext ctx, String name, String text) {
        try {
            compiler.check(name, text);
            return true;
        } catch (SieveSyntaxException e) {
            reply(ctx, "NO " + quote(e.getMessage()));
            return false;
        } catch (RuntimeException e) {
            // A compiler bug must not look like the user's mistake, nor end the session.
            LOG.warn("Sieve compiler failed on a script of {}", account, e);
            reply(ctx, "NO (TRYLATER) \"The script could not be checked, try again later\"");
            return false;
        }
    }

    /** RFC 5804 section 2.7: each name, the active one marked ACTIVE. */
    private void listScripts(ChannelHandlerContext ctx, Arguments args) throws Arguments.SyntaxException, IOException {
        args.end();
        StringBuilder out = new StringBuilder();
        for (Script script : scripts.list(account)) {
            out.append(quote(script.name())).append(script.active() ? " ACTIVE" : "").append("\r\n");
        }
        reply(ctx, out + "OK");
    }

    /** RFC 5804 section 2.8: the empty name deactivates. */
    private void setActive(ChannelHandlerContext ctx, Arguments args) throws Arguments.SyntaxException, IOException {
        String name = args.string("the script name");
        args.end();
        if (!scripts.activate(account, name.isEmpty() ? null : name)) {
            reply(ctx, "NO (NONEXISTENT) \"There is no script of that name\"");
            return;
        }
        reply(ctx, "OK");
    }

    /** RFC 5804 section 2.9: the script as a literal, then OK. */
    private void getScript(ChannelHandlerContext ctx, Arguments args) throws Arguments.SyntaxException, IOException {
        String name = args.string("the script name");
        args.end();
        Optional<Script> script = scripts.get(account, name);
        if (script.isEmpty()) {
            reply(ctx, "NO (NONEXISTENT) \"There is no script of that name\"");
            return;
        }
        reply(ctx, literal(script.get().text()) + "\r\nOK");
    }

    /** RFC 5804 section 2.10: the active script cannot be deleted. */
    private void deleteScript(ChannelHandlerContext ctx, Arguments args) throws Arguments.SyntaxException, IOException {
        String name = args.string("the script name");
        args.end();
        if (scripts.delete(account, name)) {
            reply(ctx, "OK");
        } else if (scripts.get(account, name).isPresent()) {
            reply(ctx, "NO (ACTIVE) \"The active script cannot be deleted\"");
        } else {
            reply(ctx, "NO (NONEXISTENT) \"There is no script of that name\"");
        }
    }

    /** RFC 5804 section 2.11.1. */
    private void renameScript(ChannelHandlerContext ctx, Arguments args) throws Arguments.SyntaxException, IOException {
        String from = args.string("the old name");
        String to = args.string("the new name");
        args.end();
        String bad = badName(to);
        if (bad != null) {
            reply(ctx, "NO " + quote(bad));
        } else if (scripts.rename(account, from, to)) {
            reply(ctx, "OK");
        } else if (scripts.get(account, from).isEmpty()) {
            reply(ctx, "NO (NONEXISTENT) \"There is no script of that name\"");
        } else {
            reply(ctx, "NO (ALREADYEXISTS) \"A script of the new name exists\"");
        }
    }

    /**
     * RFC 5804 section 1.6: a name is at least one character, no control characters (C0, DEL, C1), no line or
     * paragraph separator. Null when good, else the reason.
     */
    static String badName(String name) {
        if (name.isEmpty()) return "A script name cannot be empty";
        if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
            return "A script name has at most " + MAX_NAME_LENGTH + " characters";
        }
        boolean bad = name.codePoints().anyMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029);
        return bad ? "A script name cannot hold control characters" : null;
    }

    // ---- helpers ----

    private void badCommand(ChannelHandlerContext ctx, String why) {
        if (++badCommands >= MAX_BAD_COMMANDS) {
            outcome = "too many bad commands";
            bye(ctx, "BYE \"Too many bad commands\"");
            return;
        }
        reply(ctx, "NO " + quote(why));
    }

    /** A string as RFC 5804 section 4 writes it: quoted when it can be, else a literal. */
    static String quote(String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0
                || value.getBytes(StandardCharsets.UTF_8).length > Arguments.MAX_QUOTED) {
            return literal(value);
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** {@code {n}} CRLF and the octets (literal-s2c). */
    static String literal(String value) {
        return "{" + value.getBytes(StandardCharsets.UTF_8).length + "}\r\n" + value;
    }

    private static byte[] base64(String value) {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private boolean plaintextAuthAllowed(ChannelHandlerContext ctx) {
        return StartTls.isActive(ctx.channel()) || settings.plaintextAuthWithoutTls()
                || (settings.plaintextAuthFromLoopback() && fromLoopback(ctx));
    }

    private static boolean fromLoopback(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        return remote instanceof InetSocketAddress && ((InetSocketAddress) remote).getAddress().isLoopbackAddress();
    }

    private SaslChannel saslChannel(ChannelHandlerContext ctx) {
        if (!StartTls.isActive(ctx.channel())) return SaslChannel.cleartext(plaintextAuthAllowed(ctx));
        try {
            return SaslChannel.encrypted(ChannelBinding.tlsServerEndPoint(ctx.channel()).orElse(null));
        } catch (GeneralSecurityException e) {
            LOG.debug("no channel binding: {}", e.toString());
            return SaslChannel.encrypted(null);
        }
    }

    private void reply(ChannelHandlerContext ctx, String reply) {
        ctx.write(reply);
    }

    private void bye(ChannelHandlerContext ctx, String reply) {
        closing = true;
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    private static String clientIp(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress) return ((InetSocketAddress) remote).getAddress().getHostAddress();
        return String.valueOf(remote);
    }
}

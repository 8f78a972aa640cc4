package org.mailroom.protocol.managesieve;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.TreeSet;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslChannel;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.auth.SaslServer;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.protocol.FailedLogin;
import org.mailroom.protocol.Listener;
import org.mailroom.protocol.SessionLog;
import org.mailroom.protocol.tls.LoginSecurity;
import org.mailroom.protocol.tls.StartTls;
import org.mailroom.protocol.tls.TlsContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ManageSieve connection (RFC 5804): the state, the queue of commands, the reply path, and the dispatch of
 * each command to its verb in {@link ManageSieveCommandTable} (classes of this package; logins through
 * {@link AuthenticateCommand}, the checks of a script through {@link ScriptRules}).
 *
 * <p>Runs on a blocking executor: logins hash passwords, PUTSCRIPT compiles and stores. Commands are queued and
 * handled one by one; while a failed login's delay runs the queue waits and the channel stops reading.
 *
 * <p>The fields without {@code private} are read and changed by the verbs of this package; only this thread
 * touches them.
 */
final class ManageSieveSession extends ChannelInboundHandlerAdapter implements FailedLogin.Queue {

    static final Logger LOG = LoggerFactory.getLogger(ManageSieveSession.class);

    /** RFC 5804 section 1.4 (the third state, TLS negotiation, is the decoder's STARTTLS pause: PausingDecoder). */
    enum State { NOT_AUTHENTICATED, AUTHENTICATED }

    /** Commands that fail to parse or are unknown, then BYE: a client this confused is not a mail client. */
    static final int MAX_BAD_COMMANDS = 20;

    final ManageSieveSettings settings;
    final SieveScripts scripts;
    final ScriptCompiler compiler;
    final SaslMechanisms sasl;
    private final LoginGuard loginGuard;
    /** Offered with STARTTLS, or null for none. */
    final TlsContext tls;

    State state = State.NOT_AUTHENTICATED;
    ChannelHandlerContext ctx;
    LoginGuard.Connection guard;
    String account;
    /** The SASL exchange in progress: the next command is the client's response (a string). */
    SaslServer exchange;
    /** Set while STARTTLS hands the connection to TLS: the decoder is then resumed by StartTls, not by us. */
    boolean upgrading;
    /** The reply to a failed login waits for the guard's delay; commands queue meanwhile. */
    private boolean delaying;
    /** Set once the connection is to be closed: further commands are ignored. */
    private boolean closing;
    private int badCommands;
    private final ArrayDeque<Object> pending = new ArrayDeque<>();

    // For the one log line at the end.
    String loginName;
    int uploaded;
    String outcome = "disconnected";

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
        this.ctx = ctx;
        guard = loginGuard.connection(SessionLog.clientAddress(ctx));
        // RFC 5804 section 1.7: the greeting is the capability list.
        ctx.writeAndFlush(capabilities() + "OK \"" + settings.hostname() + " Mailroom ManageSieve ready\"");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        pending.add(msg);
        drain();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == Listener.STOPPING) {
            if (this.ctx != null && !closing) {
                outcome = "server stopping";
                bye("BYE (TRYLATER) \"Server shutting down\"");
            }
            return;
        }
        if (event instanceof IdleStateEvent && !closing) {
            outcome = "idle timeout";
            bye("BYE \"Idle timeout\"");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (SessionLog.failure(LOG, "ManageSieve", ctx, cause)) outcome = "error";
        closing = true;
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pending.clear();
        LOG.info("ManageSieve session closed: client={} user={} uploaded={} result={}", SessionLog.clientIp(ctx),
                loginName == null ? "-" : loginName, uploaded, outcome);
    }

    // ---- the queue of commands ----

    /** Handles the queued commands until one starts a login delay; reads on only when none runs. */
    @Override
    public void drain() {
        Object next;
        while (!delaying && !closing && (next = pending.poll()) != null) handle(next);
        if (closing) pending.clear();
        ctx.flush();
        ctx.channel().config().setAutoRead(!delaying);
    }

    @Override
    public void hold(boolean held) {
        delaying = held;
    }

    private void handle(Object input) {
        try {
            if (input == ManageSieveDecoder.Signal.LITERAL_TOO_BIG_TO_READ) {
                outcome = "literal too big";
                bye("BYE (QUOTA/MAXSIZE) \"Literal too big, closing\"");
            } else if (input instanceof ManageSieveDecoder.Signal signal) {
                exchange = null; // a response cut short ends the exchange
                if (signal == ManageSieveDecoder.Signal.LITERAL_TOO_BIG) {
                    reply(ScriptRules.tooBig(settings));
                } else {
                    badCommand("Line too long");
                }
            } else if (exchange != null) {
                AuthenticateCommand.respond(this, (ManageSieveDecoder.Command) input);
            } else {
                command((ManageSieveDecoder.Command) input);
            }
        } catch (Exception e) {
            // Never a stack trace to the client.
            LOG.warn("ManageSieve command failed for {}", loginName == null ? SessionLog.clientIp(ctx) : loginName, e);
            reply("NO (TRYLATER) \"Internal error, try again later\"");
        } finally {
            // The decoder waits after STARTTLS; unless TLS is starting, it reads on.
            if (input instanceof ManageSieveDecoder.Command command && ManageSieveDecoder.isStartTls(command)
                    && !upgrading) {
                ManageSieveDecoder decoder = ctx.pipeline().get(ManageSieveDecoder.class);
                if (decoder != null) ctx.channel().eventLoop().execute(decoder::resume);
            }
        }
    }

    private void command(ManageSieveDecoder.Command input) throws IOException {
        Arguments args;
        String verb;
        try {
            args = Arguments.parse(input);
            verb = args.verb();
        } catch (Arguments.SyntaxException e) {
            badCommand(e.getMessage());
            return;
        }
        ManageSieveCommandTable.Entry entry = ManageSieveCommandTable.COMMANDS.get(verb);
        if (entry == null) {
            badCommand("Unknown command");
            return;
        }
        if (!entry.validIn().contains(state)) {
            reply("NO \"" + verb + " is not valid " + (state == State.AUTHENTICATED
                    ? "after authentication" : "before authentication") + "\"");
            return;
        }
        try {
            entry.command().execute(this, args);
        } catch (Arguments.SyntaxException e) {
            badCommand(verb + ": " + e.getMessage());
        }
    }

    // ---- what the verbs use ----

    /** RFC 5804 section 2.4: capabilities, one per line; OWNER only once authenticated (section 1.7). */
    String capabilities() {
        StringBuilder out = new StringBuilder();
        out.append("\"IMPLEMENTATION\" \"Mailroom\"\r\n");
        out.append("\"SASL\" ").append(quote(state == State.AUTHENTICATED ? ""
                : String.join(" ", sasl.offered(saslChannel())))).append("\r\n");
        out.append("\"SIEVE\" ").append(quote(String.join(" ", new TreeSet<>(compiler.extensions())))).append("\r\n");
        if (tls != null && !StartTls.isActive(ctx.channel()) && state == State.NOT_AUTHENTICATED) {
            out.append("\"STARTTLS\"\r\n");
        }
        out.append("\"MAXREDIRECTS\" \"").append(settings.maxRedirects()).append("\"\r\n");
        if (state == State.AUTHENTICATED) out.append("\"OWNER\" ").append(quote(account)).append("\r\n");
        out.append("\"VERSION\" \"1.0\"\r\n");
        return out.toString();
    }

    /** What SASL needs to know of this connection, with IMAP's rule for passwords in the clear. */
    SaslChannel saslChannel() {
        return LoginSecurity.saslChannel(ctx.channel(), LoginSecurity.plaintextAllowed(ctx.channel(),
                settings.plaintextAuthWithoutTls(), settings.plaintextAuthFromLoopback()));
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

    /** Written now, flushed when the queue of commands is drained. */
    void reply(String reply) {
        ctx.write(reply);
    }

    /** The last reply: the connection closes once it is out. */
    void bye(String reply) {
        closing = true;
        ctx.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    }

    private void badCommand(String why) {
        if (++badCommands >= MAX_BAD_COMMANDS) {
            outcome = "too many bad commands";
            bye("BYE \"Too many bad commands\"");
            return;
        }
        reply("NO " + quote(why));
    }
}

package org.mailroom.protocol.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MailboxEvent;
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
 */
public final class ImapSession extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ImapSession.class);

    /** RFC 9051 section 3. */
    public enum State { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED, LOGOUT }

    /** Created for each account at its first login (RFC 6154), with their special-use attribute. */
    private static final Map<String, String> SPECIAL_MAILBOXES = Map.of(
            "Drafts", "\\Drafts", "Sent", "\\Sent", "Trash", "\\Trash", "Junk", "\\Junk", "Archive", "\\Archive");

    private final ImapSettings settings;
    private final MailStore store;
    private final BlobStore blobs;
    private final MessageStructureSource structure;
    private final PasswordCheck passwords;

    private ChannelHandlerContext ctx;
    private State state = State.NOT_AUTHENTICATED;
    private String account;
    private SelectedMailbox selected;
    private AutoCloseable storeSubscription;
    private Continuation continuation;
    private final Set<String> enabled = new LinkedHashSet<>();
    private int authFailures;
    private String outcome = "disconnected";

    public ImapSession(ImapSettings settings, MailStore store, BlobStore blobs, MessageStructureSource structure,
                       PasswordCheck passwords) {
        this.settings = settings;
        this.store = store;
        this.blobs = blobs;
        this.structure = structure;
        this.passwords = passwords;
    }

    // ---- Netty events ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        send("* OK [CAPABILITY " + capabilities() + "] " + settings.hostname() + " Mailroom IMAP ready");
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        this.ctx = ctx;
        if (state == State.LOGOUT) return;
        try {
            if (msg instanceof ImapDecoder.Refused refused) {
                continuation = null;
                send(refused.tag() + " BAD " + refused.reason());
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
        }
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            outcome = "idle timeout";
            send("* BYE Autologout; idle for too long");
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
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
        LOG.info("IMAP session closed: client={} user={} result={}", clientIp(), account == null ? "-" : account,
                outcome);
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

    public MessageStructureSource structure() {
        return structure;
    }

    public PasswordCheck passwords() {
        return passwords;
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

    public boolean plaintextAuthAllowed() {
        return settings.plaintextAuthWithoutTls();
    }

    /** What we announce; only what is implemented and exercised by a test. */
    public String capabilities() {
        StringBuilder caps = new StringBuilder("IMAP4rev1 IMAP4rev2");
        if (state == State.NOT_AUTHENTICATED) {
            caps.append(plaintextAuthAllowed() ? " AUTH=PLAIN SASL-IR" : " LOGINDISABLED");
        }
        caps.append(" LITERAL+ ENABLE ID IDLE NAMESPACE UNSELECT UIDPLUS MOVE CHILDREN SPECIAL-USE LIST-EXTENDED BINARY")
                .append(" LIST-STATUS STATUS=SIZE ESEARCH SEARCHRES CONDSTORE QRESYNC APPENDLIMIT=").append(settings.maxLiteralSize());
        return caps.toString();
    }

    /** Sends one line; CRLF is added. Not flushed before the command ends (or the IDLE event is handled). */
    public void send(String line) {
        ByteBuf buf = ctx.alloc().buffer(line.length() + 2);
        buf.writeCharSequence(line, StandardCharsets.UTF_8);
        buf.writeByte('\r').writeByte('\n');
        ctx.write(buf);
    }

    /**
     * Sends bytes as they are (a response holding literals, one per message of a FETCH); the caller ends them with
     * CRLF. Backpressure: while the client reads slower than we fetch, wait for the socket to take the bytes, so
     * {@code FETCH 1:* BODY[]} never holds more than a buffer's worth in memory. The wait uses the channel's
     * future (completed on the event loop), never one of this handler's executor, which is the waiting thread.
     */
    public void send(byte[] bytes) {
        io.netty.channel.ChannelFuture written = ctx.channel().writeAndFlush(Unpooled.wrappedBuffer(bytes));
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

    public void flush() {
        ctx.flush();
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
        ensureSpecialMailboxes();
        // Events come on the store's thread; handle them on ours, in order with the commands.
        storeSubscription = store.subscribe(account, event -> {
            if (ctx != null) ctx.executor().execute(() -> onMailboxEvent(event));
        });
        LOG.debug("IMAP login {}", account);
    }

    public boolean loginFailed() {
        authFailures++;
        if (authFailures >= settings.maxAuthFailures()) {
            outcome = "too many login failures";
            return true;
        }
        return false;
    }

    /** Too many failures: say goodbye and close after the tagged NO. */
    public void closeAfterReply() {
        state = State.LOGOUT;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    public void select(Mailbox mailbox, boolean readOnly) throws IOException {
        selected = SelectedMailbox.open(store, mailbox, readOnly);
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
                ctx.flush();
            } catch (IOException e) {
                LOG.warn("IMAP IDLE update failed for {}", account, e);
            }
        }
    }

    /**
     * At an account's first IMAP login (it has no special-use mailbox yet): INBOX if missing, and Drafts, Sent,
     * Trash, Junk and Archive, subscribed. Later logins leave alone what the user deleted or renamed.
     */
    private void ensureSpecialMailboxes() throws IOException {
        if (!store.specialUses(account).isEmpty()) return;
        Set<String> names = new java.util.HashSet<>();
        for (Mailbox m : store.listMailboxes(account)) names.add(m.name());
        if (!names.contains(Mailbox.INBOX)) create(Mailbox.INBOX, null);
        for (Map.Entry<String, String> special : new java.util.TreeMap<>(SPECIAL_MAILBOXES).entrySet()) {
            if (names.contains(special.getKey())) continue;
            create(special.getKey(), special.getValue());
            store.addSubscription(account, special.getKey());
        }
    }

    private void create(String name, String specialUse) throws IOException {
        try {
            store.createMailbox(account, name, specialUse);
        } catch (MailStoreException.AlreadyExists raced) {
            // Another session of the same account made it first.
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

    private String clientIp() {
        if (ctx == null) return null;
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : null;
    }
}

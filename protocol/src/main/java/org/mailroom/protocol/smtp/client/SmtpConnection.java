package org.mailroom.protocol.smtp.client;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.mailroom.protocol.smtp.client.SmtpClientException.Kind;

/**
 * One SMTP client connection, used by one delivery thread at a time with blocking calls: the event loop
 * decodes replies into a queue and the delivery thread waits for them with the timeouts of RFC 5321
 * section 4.5.3.2. Blocking here is deliberate: a delivery is a strict conversation, and the waiting happens
 * on the queue runner's own threads, never on an event loop.
 *
 * <p>Typical use: {@code greeting()}, {@code hello()}, {@code startTls()} and {@code hello()} again when
 * offered, then {@link #send} once per message (the connection may be reused for the next message to the same
 * host), then {@link #quit}. {@link #transcript()} keeps the conversation for the delivery history.
 */
public final class SmtpConnection implements AutoCloseable {

    private static final Object CLOSED = new Object();
    private static final int MAX_TRANSCRIPT = 200;

    /** Hands the event loop's replies (or the end of the connection) to the waiting delivery thread. */
    static final class Handler extends SimpleChannelInboundHandler<SmtpReply> {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, SmtpReply reply) {
            events.add(reply);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add(CLOSED);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add(cause);
            ctx.close();
        }
    }

    /**
     * The replies of one transaction.
     *
     * @param mail  the reply to MAIL (or one we made up when the message cannot go to this server at all)
     * @param rcpts the reply to each RCPT, in the message's order; null for those never sent
     * @param data  the reply after the message (or to DATA when that failed); null when DATA was not reached
     */
    public record Result(SmtpReply mail, List<SmtpReply> rcpts, SmtpReply data) {

        /** The reply that decided recipient {@code i}'s fate. */
        public SmtpReply replyFor(int i) {
            if (!mail.isPositive()) return mail;
            SmtpReply rcpt = rcpts.get(i);
            if (rcpt == null || !rcpt.isPositive()) return rcpt;
            return data;
        }
    }

    private final SmtpClient client;
    private final Channel channel;
    private final ReplyDecoder decoder;
    private final Handler handler;
    private final InetSocketAddress address;
    private final String hostName;
    private final List<String> transcript = new ArrayList<>();
    private SmtpReply greeting;
    private Capabilities capabilities = Capabilities.HELO;
    private boolean dirty;
    private boolean messageSent;

    SmtpConnection(SmtpClient client, Channel channel, ReplyDecoder decoder, Handler handler,
                   InetSocketAddress address, String hostName) {
        this.client = client;
        this.channel = channel;
        this.decoder = decoder;
        this.handler = handler;
        this.address = address;
        this.hostName = hostName;
    }

    public InetSocketAddress address() {
        return address;
    }

    public String hostName() {
        return hostName;
    }

    /** The server's 220 greeting (or its refusal: 554, 421). Read once, at the start. */
    public SmtpReply greeting() throws SmtpClientException {
        if (greeting == null) greeting = read(client.settings().replyTimeout());
        return greeting;
    }

    /** EHLO, or HELO when the server does not know EHLO (RFC 5321 section 3.2). */
    public SmtpReply hello() throws SmtpClientException {
        command("EHLO " + client.settings().heloName());
        SmtpReply reply = read(client.settings().replyTimeout());
        if (reply.isPositive()) {
            capabilities = Capabilities.fromEhlo(reply);
            return reply;
        }
        if (reply.code() == 421 || !reply.isPermanent()) return reply;
        command("HELO " + client.settings().heloName());
        reply = read(client.settings().replyTimeout());
        capabilities = Capabilities.HELO;
        return reply;
    }

    public Capabilities capabilities() {
        return capabilities;
    }

    /**
     * STARTTLS (RFC 3207). On 220 the handshake runs and the capabilities are forgotten: call {@link #hello}
     * again (section 4.2). Any other reply is returned and the session goes on in plain text.
     *
     * @throws SmtpClientException of kind TLS when the handshake fails or the server injected plain text
     */
    public SmtpReply startTls() throws SmtpClientException {
        return startTls(null);
    }

    /**
     * STARTTLS with the certificate judged by {@code check} (MTA-STS or DANE; null for the client's own policy).
     * A refused certificate fails the handshake: {@link CertificateCheck#failureType()} says why.
     */
    public SmtpReply startTls(CertificateCheck check) throws SmtpClientException {
        SslHandler tls = client.newTlsHandler(channel, hostName, address.getPort(), check);
        decoder.armStartTls(tls);
        command("STARTTLS");
        SmtpReply reply = read(client.settings().replyTimeout());
        if (reply.code() != 220) return reply;
        Future<Channel> handshake = tls.handshakeFuture();
        if (!handshake.awaitUninterruptibly(client.settings().replyTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            channel.close();
            throw new SmtpClientException(Kind.TIMEOUT, "TLS handshake timed out", null);
        }
        if (!handshake.isSuccess()) {
            channel.close();
            throw new SmtpClientException(Kind.TLS, "TLS handshake failed: " + handshake.cause().getMessage(),
                    handshake.cause());
        }
        capabilities = Capabilities.HELO;
        note("TLS: " + tlsDescription());
        return reply;
    }

    /**
     * AUTH PLAIN with an initial response (RFC 4954, RFC 4616), for a smart host that wants it. The transcript
     * shows the command without the credentials. Callers send passwords only under TLS.
     */
    public SmtpReply authenticate(String user, char[] password) throws SmtpClientException {
        byte[] message = ("\0" + user + "\0" + new String(password)).getBytes(StandardCharsets.UTF_8);
        String line = "AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(message);
        java.util.Arrays.fill(message, (byte) 0);
        note("C: AUTH PLAIN <credentials of " + user + ">");
        channel.write(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.UTF_8));
        channel.flush();
        return read(client.settings().replyTimeout());
    }

    public boolean isTls() {
        return channel.pipeline().get(SslHandler.class) != null;
    }

    /** {@code TLSv1.3 TLS_AES_128_GCM_SHA256}, or "none". */
    public String tlsDescription() {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) return "none";
        SSLSession session = tls.engine().getSession();
        return session.getProtocol() + " " + session.getCipherSuite();
    }

    public boolean isOpen() {
        return channel.isActive();
    }

    /**
     * One transaction: MAIL, every RCPT, DATA, the message. With PIPELINING (RFC 2920) MAIL, the RCPTs and
     * DATA go out in one write and the replies are read in order.
     *
     * @throws SmtpClientException when the connection fails; {@link #messageMayHaveArrived()} then says
     *     whether the server may have taken the message
     */
    public Result send(OutboundMessage message) throws IOException {
        if (dirty) {
            command("RSET");
            read(client.settings().replyTimeout());
            dirty = false;
        }
        messageSent = false;
        int n = message.recipients().size();
        List<SmtpReply> rcpts = new ArrayList<>();
        for (int i = 0; i < n; i++) rcpts.add(null);
        // RFC 6531 section 3.4: a message that needs SMTPUTF8 must not go to a server without it.
        if (message.utf8() && !capabilities.smtpUtf8()) {
            return new Result(SmtpReply.local(553, "5.6.7 the message needs SMTPUTF8, which "
                    + hostName + " does not support"), rcpts, null);
        }
        if (capabilities.maxSize() > 0 && message.size() > capabilities.maxSize()) {
            return new Result(SmtpReply.local(552, "5.3.4 message of " + message.size() + " octets exceeds "
                    + hostName + "'s limit of " + capabilities.maxSize()), rcpts, null);
        }
        dirty = true;
        String mail = mailCommand(message);
        boolean pipelining = capabilities.pipelining();
        // RFC 3030: with CHUNKING the message goes in BDAT chunks, as it is: no dot-stuffing, no DATA.
        boolean chunking = capabilities.has("CHUNKING");
        if (pipelining) {
            List<String> group = new ArrayList<>(n + 2);
            group.add(mail);
            for (OutboundMessage.Recipient r : message.recipients()) group.add(rcptCommand(r));
            if (!chunking) group.add("DATA");
            writeGroup(group);
        } else {
            command(mail);
        }
        Duration timeout = client.settings().replyTimeout();
        SmtpReply mailReply = read(timeout);
        if (!pipelining && !mailReply.isPositive()) return new Result(mailReply, rcpts, null);
        int accepted = 0;
        for (int i = 0; i < n; i++) {
            if (!pipelining) command(rcptCommand(message.recipients().get(i)));
            SmtpReply reply = read(timeout);
            rcpts.set(i, reply);
            if (reply.isPositive()) accepted++;
        }
        boolean proceed = mailReply.isPositive() && accepted > 0;
        if (!pipelining && !proceed) return new Result(mailReply, rcpts, null);
        if (chunking) {
            if (!proceed) return new Result(mailReply, rcpts, null); // the next send starts with RSET
            return new Result(mailReply, rcpts, sendChunks(message));
        }
        if (!pipelining) command("DATA");
        SmtpReply dataReply = read(timeout);
        if (dataReply.code() != 354) return new Result(mailReply, rcpts, dataReply);
        if (!proceed) {
            // RFC 2920 section 3.1: DATA was accepted though nobody can receive the message; end it empty.
            command(".");
            read(timeout);
            return new Result(mailReply, rcpts, dataReply);
        }
        try (InputStream in = message.content().open()) {
            WireFormat wire = WireFormat.of(in);
            byte[] chunk;
            messageSent = true;
            while ((chunk = wire.next()) != null) writeContent(chunk, wire.finished());
        }
        note("C: <message, " + message.size() + " octets>");
        SmtpReply end = read(client.settings().dataTimeout());
        dirty = false;
        return new Result(mailReply, rcpts, end);
    }

    /**
     * The message as BDAT chunks (RFC 3030 section 2), the last one marked LAST, then one reply per chunk read
     * in order (section 4.2 lets them be pipelined); the first refusal, else the last reply, decides.
     */
    private SmtpReply sendChunks(OutboundMessage message) throws IOException {
        int chunks = 0;
        long octets = 0;
        try (InputStream in = message.content().open()) {
            WireFormat wire = WireFormat.chunked(in);
            byte[] chunk;
            messageSent = true;
            while ((chunk = wire.next()) != null) {
                String bdat = "BDAT " + chunk.length + (wire.finished() ? " LAST" : "");
                write(bdat);
                writeContent(chunk, wire.finished());
                chunks++;
                octets += chunk.length;
            }
        }
        note("C: <message, " + octets + " octets in " + chunks + " BDAT chunk" + (chunks == 1 ? "" : "s") + ">");
        SmtpReply first = null;
        SmtpReply last = null;
        for (int i = 0; i < chunks; i++) {
            last = read(i == chunks - 1 ? client.settings().dataTimeout() : client.settings().replyTimeout());
            if (first == null && !last.isPositive()) first = last;
        }
        dirty = false;
        return first != null ? first : last;
    }

    /**
     * Queues a piece of the message without waiting for it to reach the socket: waiting for every write
     * costs the delivery thread a wake-up by the event loop per chunk. It waits only when Netty's outbound
     * buffer is over its high-water mark (a slow server), so a large message is never held whole in memory.
     * A failed write closes the channel, which the next {@link #read} reports.
     */
    private void writeContent(byte[] chunk, boolean last) throws SmtpClientException {
        // The last piece goes with the flush: one hand-over to the event loop, not two (most messages are one piece).
        ChannelFuture written = last ? channel.writeAndFlush(Unpooled.wrappedBuffer(chunk))
                : channel.write(Unpooled.wrappedBuffer(chunk));
        written.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (last || channel.isWritable()) return;
        channel.flush();
        if (!written.awaitUninterruptibly(client.settings().dataTimeout().toMillis()) || !written.isSuccess()) {
            channel.close();
            throw new SmtpClientException(Kind.CLOSED, "connection lost while sending the message", written.cause());
        }
    }

    /** True once the message's bytes started to go out in the last {@link #send}. */
    public boolean messageMayHaveArrived() {
        return messageSent;
    }

    private String mailCommand(OutboundMessage m) {
        StringBuilder s = new StringBuilder("MAIL FROM:<").append(m.sender() == null ? "" : m.sender()).append('>');
        if (capabilities.has("SIZE")) s.append(" SIZE=").append(m.size());
        // XXX: an 8-bit message to a server without 8BITMIME should be converted (RFC 6152 section 3);
        // like most MTAs we send it as it is, since practically every server takes 8-bit data.
        if (m.eightBit() && capabilities.eightBitMime()) s.append(" BODY=8BITMIME");
        if (m.utf8()) s.append(" SMTPUTF8");
        if (capabilities.dsn()) { // RFC 3461 section 4: passed on only to servers that know them
            if (m.ret() != null) s.append(" RET=").append(m.ret());
            if (m.envid() != null) s.append(" ENVID=").append(xtext(m.envid()));
        }
        return s.toString();
    }

    private String rcptCommand(OutboundMessage.Recipient r) {
        StringBuilder s = new StringBuilder("RCPT TO:<").append(r.address()).append('>');
        if (capabilities.dsn()) {
            if (r.notifyOn() != null) s.append(" NOTIFY=").append(r.notifyOn());
            if (r.orcpt() != null) {
                int semicolon = r.orcpt().indexOf(';');
                if (semicolon > 0) {
                    s.append(" ORCPT=").append(r.orcpt(), 0, semicolon).append(';')
                            .append(xtext(r.orcpt().substring(semicolon + 1)));
                }
            }
        }
        return s.toString();
    }

    /** RFC 3461 section 4: "+" followed by two hex digits for '+', '=', and octets outside 33-126. */
    static String xtext(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 33 || c > 126 || c == '+' || c == '=') out.append('+').append(String.format("%02X", c));
            else out.append((char) c);
        }
        return out.toString();
    }

    /** RSET, so the next {@link #send} starts clean. */
    public SmtpReply reset() throws SmtpClientException {
        command("RSET");
        dirty = false;
        return read(client.settings().replyTimeout());
    }

    /** QUIT and close; errors do not matter any more. */
    public void quit() {
        if (channel.isActive()) {
            try {
                command("QUIT");
                read(Duration.ofSeconds(5));
            } catch (SmtpClientException ignored) {
                // the server left first
            }
        }
        close();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** The conversation so far ("C: MAIL FROM:<a@a.test>", "S: 250 2.1.0 Ok"), at most 200 lines. */
    public List<String> transcript() {
        return List.copyOf(transcript);
    }

    public void clearTranscript() {
        transcript.clear();
    }

    private void command(String line) throws SmtpClientException {
        write(line);
        channel.flush();
    }

    /** Pipelined commands (RFC 2920) in one buffer and one write: one hand-over to the event loop, one packet. */
    private void writeGroup(List<String> lines) throws SmtpClientException {
        StringBuilder group = new StringBuilder();
        for (String line : lines) {
            checkLine(line);
            note("C: " + line);
            group.append(line).append("\r\n");
        }
        channel.writeAndFlush(Unpooled.copiedBuffer(group, StandardCharsets.UTF_8));
    }

    private static void checkLine(String line) throws SmtpClientException {
        // A CR or LF inside a command would start another command at the server (command injection).
        if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
            throw new SmtpClientException(Kind.PROTOCOL, "refusing to send a command with a line break", null);
        }
    }

    private void write(String line) throws SmtpClientException {
        checkLine(line);
        note("C: " + line);
        channel.write(Unpooled.copiedBuffer(line + "\r\n", StandardCharsets.UTF_8));
    }

    private SmtpReply read(Duration timeout) throws SmtpClientException {
        Object event;
        try {
            event = handler.events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.close();
            throw new SmtpClientException(Kind.CLOSED, "interrupted", e);
        }
        if (event == null) {
            note("S: <no reply within " + timeout.toSeconds() + "s>");
            channel.close();
            throw new SmtpClientException(Kind.TIMEOUT, "no reply from " + hostName + " within " + timeout, null);
        }
        if (event == CLOSED) {
            handler.events.add(CLOSED); // every later read sees it too
            note("S: <connection closed>");
            throw new SmtpClientException(Kind.CLOSED, hostName + " closed the connection", null);
        }
        if (event instanceof Throwable) {
            Throwable t = (Throwable) event;
            Throwable root = t.getCause() != null && !(t instanceof SSLException) ? t.getCause() : t;
            boolean tls = root instanceof SSLException || t instanceof SSLException;
            note("S: <" + (tls ? "TLS error: " : "error: ") + root.getMessage() + ">");
            channel.close();
            throw new SmtpClientException(tls ? Kind.TLS : Kind.PROTOCOL, root.getMessage(), t);
        }
        SmtpReply reply = (SmtpReply) event;
        note("S: " + reply);
        return reply;
    }

    private void note(String line) {
        if (transcript.size() < MAX_TRANSCRIPT) transcript.add(line);
    }
}

package org.mailroom.protocol.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.mailroom.protocol.LimitedLines;
import org.mailroom.protocol.tls.PausingDecoder;

/**
 * Cuts the client's bytes into whole IMAP commands: a line, and when the line ends in a literal announcement
 * ({@code {n}}, {@code {n+}}, or {@code ~{n}} for BINARY), the n octets that follow and the rest of the command
 * after them, which is again a line. Emits one {@link Command} per command, holding the bytes exactly as sent
 * (literals inline, CRLF after each announcement, no CRLF at the end), for {@link ImapParser}; or a
 * {@link Refused} when a limit is crossed. The decoder knows no commands: continuation lines of AUTHENTICATE
 * and IDLE's DONE come out as commands too, and the session decides what they are.
 *
 * <p>Modes: {@link Mode#LINE} reads up to a line feed; {@link Mode#LITERAL} copies octets, whatever they are;
 * the two DISCARD modes throw away the rest of a refused command. For a synchronizing literal the decoder
 * itself sends {@code + Ready for literal data} (RFC 9051 section 7.5), on the event loop, as soon as the
 * announcement is read: the session may be busy with an earlier command, and the client waits.
 *
 * <p>Limits, checked before anything is buffered: a line holds at most {@code maxLineLength} octets (CRLF
 * included), a literal at most {@code maxLiteralSize}, a whole command at most {@code maxLiteralSize} plus
 * {@code 8 * maxLineLength}. An oversized synchronizing literal is refused before the client sends it (it
 * waits for our "+"); an oversized non-synchronizing one (RFC 7888) is read and discarded.
 *
 * <p>After a {@code tag STARTTLS} command the decoder pauses ({@link PausingDecoder}) and decodes nothing more
 * until {@link #resume()}: what the client sent behind it stays countable for
 * {@link org.mailroom.protocol.tls.StartTls}, which decides what such bytes mean.
 */
public final class ImapDecoder extends PausingDecoder {

    /**
     * One complete command, as sent. {@code reserved}: bytes of the {@link LiteralBudget} its literals hold, which
     * the session gives back with {@link #done()} once it has handled the command.
     */
    public record Command(byte[] bytes, long reserved, LiteralBudget budget) {
        public Command(byte[] bytes) {
            this(bytes, 0, null);
        }

        /** Gives back the literal memory this command held; call once, when it has been handled or dropped. */
        public void done() {
            if (budget != null) budget.release(reserved);
        }

        @Override
        public String toString() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** A command refused by a limit; {@code tag} is what the line began with (may be "*" if unknown). */
    public record Refused(String tag, String reason, boolean temporary) {
        /** Refused for good: a BAD. */
        public Refused(String tag, String reason) {
            this(tag, reason, false);
        }
    }

    /**
     * AWAIT_TLS: after STARTTLS, until the session upgrades or refuses (RFC 9051 section 6.2.1); the pause is
     * {@link PausingDecoder}'s, {@link #mode()} only reports it.
     */
    enum Mode { LINE, LITERAL, DISCARD_LINE, DISCARD_LITERAL, AWAIT_TLS }

    private static final byte[] READY = "+ Ready for literal data\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * Before login a literal carries at most a user name or password: a stranger may not make us buffer
     * APPENDLIMIT octets per connection.
     */
    static final long MAX_LITERAL_BEFORE_LOGIN = 8192;

    private final int maxLineLength;
    private final long maxLiteralSize;
    private final long maxCommandSize;
    /** Set by the session (another thread) after a successful login. */
    private volatile boolean loggedIn;
    private Mode mode = Mode.LINE;
    private ByteArrayOutputStream command = new ByteArrayOutputStream(128);
    private long literalRemaining;
    private String discardedTag;
    private final LiteralBudget budget;
    /** Budget held by the command being read (its literals so far). */
    private long reserved;
    /** Why the command being discarded was refused. */
    private String discardReason;

    public ImapDecoder(int maxLineLength, long maxLiteralSize) {
        this(maxLineLength, maxLiteralSize, LiteralBudget.unlimited());
    }

    public ImapDecoder(int maxLineLength, long maxLiteralSize, LiteralBudget budget) {
        this.budget = budget;
        if (maxLineLength < 64) throw new IllegalArgumentException("max line length below 64: " + maxLineLength);
        if (maxLiteralSize < 0) throw new IllegalArgumentException("negative literal size");
        this.maxLineLength = maxLineLength;
        this.maxLiteralSize = maxLiteralSize;
        this.maxCommandSize = maxLiteralSize + 8L * maxLineLength;
    }

    Mode mode() {
        return awaitingTls() ? Mode.AWAIT_TLS : mode;
    }

    /** A command cut off by the connection's end gives its literal memory back. */
    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releaseReserved();
    }

    private void releaseReserved() {
        budget.release(reserved);
        reserved = 0;
    }

    /** Whether a command is {@code tag STARTTLS}, after which the decoder waits (the session uses the same test). */
    public static boolean isStartTls(byte[] command) {
        String tag = tagOf(command);
        if (tag.equals("*") || command.length > tag.length() + 20) return false;
        String rest = new String(command, tag.length(), command.length - tag.length(), StandardCharsets.US_ASCII);
        return rest.startsWith(" ") && rest.trim().toUpperCase(Locale.ROOT).equals("STARTTLS");
    }

    /** Lifts the literal limit from {@link #MAX_LITERAL_BEFORE_LOGIN} to the configured one. */
    public void loggedIn() {
        loggedIn = true;
    }

    @Override
    protected void decodeCommands(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (mode) {
            case LINE -> line(ctx, in, out);
            case LITERAL -> literal(in);
            case DISCARD_LITERAL -> discardLiteral(in);
            case DISCARD_LINE -> discardLine(in, out);
            default -> throw new IllegalStateException("mode " + mode);
        }
    }

    private void line(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() > maxLineLength - 1) {
                String tag = tagOf(in, in.readableBytes());
                in.skipBytes(in.readableBytes());
                refuseRestOfCommand(tag, out);
            }
            return;
        }
        int length = lf - in.readerIndex();
        int text = LimitedLines.textLength(in, lf);
        if (text + 2 > maxLineLength || command.size() + (long) text > maxCommandSize) {
            String tag = tagOf(in, text);
            discardedTag = tag;
            command = new ByteArrayOutputStream(128);
            releaseReserved();
            // Let DISCARD_LINE read this line again: it knows whether a literal follows.
            mode = Mode.DISCARD_LINE;
            discardLine(in, out);
            return;
        }
        byte[] bytes = new byte[text];
        in.getBytes(in.readerIndex(), bytes);
        in.skipBytes(length + 1);
        command.write(bytes, 0, bytes.length);
        Literal announced = Literal.at(bytes);
        if (announced == null) {
            byte[] whole = command.toByteArray();
            out.add(new Command(whole, reserved, budget));
            reserved = 0;
            command = new ByteArrayOutputStream(128);
            if (isStartTls(whole)) awaitTls();
            return;
        }
        long limit = loggedIn ? maxLiteralSize : Math.min(maxLiteralSize, MAX_LITERAL_BEFORE_LOGIN);
        if (announced.size > limit || command.size() + announced.size > maxCommandSize) {
            String tag = tagOf(command.toByteArray());
            command = new ByteArrayOutputStream(128);
            releaseReserved();
            if (announced.synchronizing) {
                // The client waits for "+" and sends nothing more of this command.
                out.add(new Refused(tag, "[TOOBIG] Literal too big (at most " + limit + " octets)"));
            } else {
                literalRemaining = announced.size;
                discardedTag = tag;
                mode = Mode.DISCARD_LITERAL;
            }
            return;
        }
        long cost = LiteralBudget.cost(announced.size);
        if (!budget.reserve(cost)) {
            String tag = tagOf(command.toByteArray());
            command = new ByteArrayOutputStream(128);
            releaseReserved();
            String reason = "[LIMIT] Too many large messages arriving at once, try again shortly";
            if (announced.synchronizing) {
                out.add(new Refused(tag, reason, true));
            } else {
                literalRemaining = announced.size;
                discardedTag = tag;
                discardReason = reason;
                mode = Mode.DISCARD_LITERAL;
            }
            return;
        }
        reserved += cost;
        if (cost > 0) {
            // Sized once: growing by doubling would hold up to twice the literal, plus the final copy.
            ByteArrayOutputStream sized = new ByteArrayOutputStream(
                    (int) Math.min(Integer.MAX_VALUE - 16, command.size() + announced.size + maxLineLength + 2));
            sized.writeBytes(command.toByteArray()); // what came before this literal
            command = sized;
        }
        command.write('\r');
        command.write('\n');
        literalRemaining = announced.size;
        mode = Mode.LITERAL;
        if (announced.synchronizing) ctx.writeAndFlush(Unpooled.wrappedBuffer(READY));
        if (literalRemaining == 0) mode = Mode.LINE;
    }

    private void literal(ByteBuf in) {
        int n = (int) Math.min(in.readableBytes(), literalRemaining);
        byte[] chunk = new byte[n];
        in.readBytes(chunk);
        command.write(chunk, 0, n);
        literalRemaining -= n;
        if (literalRemaining == 0) mode = Mode.LINE;
    }

    private void discardLiteral(ByteBuf in) {
        int n = (int) Math.min(in.readableBytes(), literalRemaining);
        in.skipBytes(n);
        literalRemaining -= n;
        if (literalRemaining == 0) mode = Mode.DISCARD_LINE;
    }

    /** Throws away up to the end of a line; if that line announces another literal, that one goes too. */
    private void discardLine(ByteBuf in, List<Object> out) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            // Keep a short tail: a literal announcement may be split across reads.
            if (in.readableBytes() > 31) in.skipBytes(in.readableBytes() - 31);
            return;
        }
        int length = lf - in.readerIndex();
        int text = LimitedLines.textLength(in, lf);
        int from = Math.max(0, text - 32);
        byte[] tail = new byte[text - from];
        in.getBytes(in.readerIndex() + from, tail);
        in.skipBytes(length + 1);
        Literal announced = Literal.at(tail);
        if (announced != null && !announced.synchronizing) {
            literalRemaining = announced.size;
            mode = Mode.DISCARD_LITERAL;
            return;
        }
        // A synchronizing literal here gets no "+": the client learns from the tagged reply that the command is over.
        mode = Mode.LINE;
        out.add(discardReason != null ? new Refused(discardedTag, discardReason, true)
                : new Refused(discardedTag, "[TOOBIG] Command too long"));
        discardedTag = null;
        discardReason = null;
    }

    private void refuseRestOfCommand(String tag, List<Object> out) {
        command = new ByteArrayOutputStream(128);
        releaseReserved();
        discardedTag = tag;
        mode = Mode.DISCARD_LINE;
    }

    /** The tag of the command being read, for the refusal; from the buffered command or the current line. */
    private String tagOf(ByteBuf in, int available) {
        if (command.size() > 0) return tagOf(command.toByteArray());
        byte[] head = new byte[Math.min(available, 64)];
        in.getBytes(in.readerIndex(), head);
        return tagOf(head);
    }

    static String tagOf(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && end < 64 && bytes[end] > ' ' && bytes[end] < 127
                && "{}()\"%*+\\".indexOf(bytes[end]) < 0) {
            end++;
        }
        return end == 0 ? "*" : new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }

    /** A literal announcement at the end of a line: {@code {123}} or {@code {123+}} (LITERAL+, RFC 7888). */
    static final class Literal {
        final long size;
        final boolean synchronizing;

        private Literal(long size, boolean synchronizing) {
            this.size = size;
            this.synchronizing = synchronizing;
        }

        static Literal at(byte[] line) {
            int end = line.length;
            if (end < 3 || line[end - 1] != '}') return null;
            int i = end - 2;
            boolean plus = line[i] == '+';
            if (plus) i--;
            int digitsEnd = i + 1;
            while (i >= 0 && line[i] >= '0' && line[i] <= '9') i--;
            if (i < 0 || line[i] != '{' || i + 1 == digitsEnd || digitsEnd - (i + 1) > 18) return null;
            long size = Long.parseLong(new String(line, i + 1, digitsEnd - (i + 1), StandardCharsets.US_ASCII));
            return new Literal(size, !plus);
        }
    }
}

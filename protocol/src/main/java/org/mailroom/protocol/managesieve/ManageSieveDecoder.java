package org.mailroom.protocol.managesieve;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayList;
import java.util.List;
import org.mailroom.protocol.LimitedLines;
import org.mailroom.protocol.tls.PausingDecoder;

/**
 * Cuts the client's bytes into commands: a line, or lines joined by literals ({@code {n+}} or {@code {n}} at the
 * end of a line, then n octets, then the rest of the command; RFC 5804 section 4). Emits a {@link Command}, or a
 * {@link Signal} once the offending command has been skipped to its end, so replies stay in order.
 *
 * <p>Limits, enforced before anything is buffered: a line over {@code maxLineLength} is dropped up to its line
 * feed ({@link Signal#LINE_TOO_LONG}); a literal over {@code maxLiteral} octets is read and dropped
 * ({@link Signal#LITERAL_TOO_BIG}) unless it is over {@code discardLimit}, in which case nothing more is read
 * ({@link Signal#LITERAL_TOO_BIG_TO_READ}, the session says BYE); at most {@link #MAX_LITERALS} literals per
 * command. So at most {@code MAX_LITERALS * maxLiteral + maxLineLength} octets are ever held.
 *
 * <p>Pitfall: the literal marker is recognised at the end of any line, even one with an unbalanced quote; such a
 * command is a syntax error anyway, and reading its literal keeps the client's next command in step.
 */
public final class ManageSieveDecoder extends PausingDecoder {

    /** PUTSCRIPT and RENAMESCRIPT take two strings, AUTHENTICATE two: no command needs more literals. */
    static final int MAX_LITERALS = 3;

    /**
     * One command: {@code text.size() == literals.size() + 1}; literal i came between text i (its marker removed)
     * and text i+1.
     */
    public record Command(List<String> text, List<byte[]> literals) {
        /** A command of one line and no literal (tests). */
        public static Command line(String line) {
            return new Command(List.of(line), List.of());
        }
    }

    public enum Signal { LINE_TOO_LONG, LITERAL_TOO_BIG, LITERAL_TOO_BIG_TO_READ }

    /** STOPPED: after BYE. (The pause after STARTTLS is {@link PausingDecoder}'s.) */
    private enum Mode { LINE, LITERAL, DISCARD_LITERAL, DISCARD_LINE, STOPPED }

    private final LimitedLines lines;
    private final int maxLiteral;
    private final long discardLimit;
    private Mode mode = Mode.LINE;

    private final List<String> text = new ArrayList<>();
    private final List<byte[]> literals = new ArrayList<>();
    private long literalLeft;
    /** What to emit once the command being skipped ends. */
    private Signal skipped;

    public ManageSieveDecoder(int maxLineLength, int maxLiteral, long discardLimit) {
        this.lines = new LimitedLines(maxLineLength);
        this.maxLiteral = maxLiteral;
        this.discardLimit = discardLimit;
    }

    /** Whether a command is STARTTLS, after which the decoder waits (the session uses the same test). */
    static boolean isStartTls(Command command) {
        return command.literals().isEmpty() && command.text().get(0).trim().equalsIgnoreCase("STARTTLS");
    }

    @Override
    protected void decodeCommands(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (mode) {
            case LINE -> decodeLine(in, out);
            case LITERAL -> readLiteral(in);
            case DISCARD_LITERAL -> discardLiteral(in);
            case DISCARD_LINE -> discardLine(in, out);
            case STOPPED -> in.skipBytes(in.readableBytes());
            default -> throw new IllegalStateException("mode " + mode);
        }
    }

    private void decodeLine(ByteBuf in, List<Object> out) {
        String line = lines.next(in, restToCome -> {
            if (restToCome) {
                skip(Signal.LINE_TOO_LONG, Mode.DISCARD_LINE);
            } else {
                skipped = Signal.LINE_TOO_LONG;
                endSkip(out);
            }
        });
        if (line == null) return;
        int marker = literalMarker(line);
        if (marker < 0) {
            text.add(line);
            Command command = new Command(List.copyOf(text), List.copyOf(literals));
            reset();
            out.add(command);
            if (isStartTls(command)) awaitTls();
            return;
        }
        text.add(line.substring(0, marker));
        long size = literalSize(line, marker);
        if (size > discardLimit || size < 0) {
            reset();
            mode = Mode.STOPPED;
            in.skipBytes(in.readableBytes());
            out.add(Signal.LITERAL_TOO_BIG_TO_READ);
        } else if (size > maxLiteral || literals.size() == MAX_LITERALS) {
            skip(Signal.LITERAL_TOO_BIG, Mode.DISCARD_LITERAL);
            literalLeft = size;
        } else {
            literalLeft = size;
            mode = Mode.LITERAL;
        }
    }

    private void readLiteral(ByteBuf in) {
        if (in.readableBytes() < literalLeft) return; // at most maxLiteral octets wait
        byte[] bytes = new byte[(int) literalLeft];
        in.readBytes(bytes);
        literals.add(bytes);
        mode = Mode.LINE;
    }

    private void discardLiteral(ByteBuf in) {
        int n = (int) Math.min(in.readableBytes(), literalLeft);
        in.skipBytes(n);
        literalLeft -= n;
        if (literalLeft == 0) mode = Mode.DISCARD_LINE;
    }

    /** The rest of a skipped command, up to its line feed; the signal goes out then. */
    private void discardLine(ByteBuf in, List<Object> out) {
        if (LimitedLines.skipLine(in)) endSkip(out);
    }

    private void skip(Signal signal, Mode next) {
        reset();
        skipped = signal;
        mode = next;
    }

    private void endSkip(List<Object> out) {
        Signal signal = skipped;
        reset();
        mode = Mode.LINE;
        out.add(signal);
    }

    private void reset() {
        text.clear();
        literals.clear();
        literalLeft = 0;
        skipped = null;
    }

    /** Where a {@code {n}} or {@code {n+}} marker ending the line starts, or -1. */
    static int literalMarker(String line) {
        int end = line.length() - 1;
        if (end < 2 || line.charAt(end) != '}') return -1;
        int i = end - 1;
        if (line.charAt(i) == '+') i--;
        int digitsEnd = i;
        while (i >= 0 && line.charAt(i) >= '0' && line.charAt(i) <= '9') i--;
        if (i == digitsEnd || i < 0 || line.charAt(i) != '{') return -1;
        return i;
    }

    /** The marker's number; -1 for one too long to be a size we would read. */
    private static long literalSize(String line, int marker) {
        String digits = line.substring(marker + 1, line.length() - 1);
        if (digits.endsWith("+")) digits = digits.substring(0, digits.length() - 1);
        if (digits.length() > 15) return -1;
        return Long.parseLong(digits);
    }
}

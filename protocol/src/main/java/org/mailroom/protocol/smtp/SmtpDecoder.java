package org.mailroom.protocol.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.mailroom.protocol.tls.StartTlsDecoder;

/**
 * Splits the SMTP byte stream into command lines and message data, in lock step with the session.
 *
 * <p>The decoder hands out one command and then {@link Mode#PAUSED pauses} until the session has answered it
 * and says how to read on ({@link #resume}). Pipelined commands (RFC 2920) wait in the buffer meanwhile, so
 * a DATA that the session refuses never turns the following lines into message text, and the bytes after
 * STARTTLS are still here for the injection check. While paused, reading from the socket stops once
 * {@link #PAUSED_BUFFER_LIMIT} bytes wait, so a client cannot make us buffer without bound.
 *
 * <p>In {@link Mode#DATA} the end of data is only {@code <CRLF>.<CRLF>} (RFC 5321 section 4.1.1.4). A bare CR
 * or LF never ends a line, never ends the data, and is reported, so the session can refuse the message:
 * treating {@code <LF>.<LF>} as an end is how SMTP smuggling (CVE-2023-51764) splits one message into two.
 * Lines are dot-unstuffed (section 4.5.2), and a line over the text limit (1000 octets with CRLF, section
 * 4.5.3.1.6) is discarded and reported; message bytes beyond the size limit are discarded and reported.
 * Either way the decoder reads on to the end of the data, so the session can reply in order. With
 * {@code normalize} set, bare line endings are turned into CRLF instead of being reported (they still never end
 * the data).
 *
 * <p>In {@link Mode#BDAT} (RFC 3030) it passes exactly the announced number of octets on, untouched.
 */
public final class SmtpDecoder extends ByteToMessageDecoder implements StartTlsDecoder {

    /** What the decoder does with the next bytes. */
    public enum Mode { COMMAND, PAUSED, DATA, BDAT }

    /** Bytes we buffer while paused before we stop reading from the socket. */
    static final int PAUSED_BUFFER_LIMIT = 64 * 1024;
    /** Message bytes per chunk handed to the session. */
    private static final int CHUNK_SIZE = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final int commandLimit;
    private final int textLineLimit;
    private final boolean normalize;
    private ChannelHandlerContext ctx;
    private Mode mode = Mode.PAUSED;
    private boolean discardingCommand;

    // State of the message being read in DATA mode.
    private long maxMessageSize;
    private long size;
    private boolean tooBig;
    private boolean longLine;
    private boolean bareLineEnding;
    private boolean previousLineEndedWithCrlf;
    private long chunkRemaining;
    private boolean discardingDataLine;
    private boolean lastDiscardedByteWasCr;
    private ByteBuf chunk;

    /**
     * @param commandLimit  longest command line with its CRLF (RFC 5321 section 4.5.3.1.4: 512)
     * @param textLineLimit longest text line with its CRLF (section 4.5.3.1.6: 1000)
     * @param normalize     store bare CR and LF as CRLF instead of refusing the message
     */
    public SmtpDecoder(int commandLimit, int textLineLimit, boolean normalize) {
        this.commandLimit = commandLimit;
        this.textLineLimit = textLineLimit;
        this.normalize = normalize;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Reads on in the given mode; called by the session (from any thread) once its reply is written.
     *
     * @param limit in {@link Mode#DATA}, the message size limit in octets; in {@link Mode#BDAT}, the chunk size
     */
    public void resume(Mode next, long limit) {
        ctx.executor().execute(() -> {
            mode = next;
            if (next == Mode.DATA) startData(limit);
            if (next == Mode.BDAT) chunkRemaining = limit;
            if (!ctx.channel().config().isAutoRead()) ctx.channel().config().setAutoRead(true);
            StartTlsDecoder.decodeWaiting(this, ctx, actualReadableBytes()); // what was buffered while paused
        });
    }

    public void resume(Mode next) {
        resume(next, 0);
    }

    /**
     * Sends the greeting and starts reading commands, in one step on the event loop: if the client had already
     * sent something, it talked before being greeted, and the session hears {@link SmtpInput.EarlyTalker}
     * instead. (Checking after the write would race with the client's legitimate first command.)
     */
    public void greet(ByteBuf greeting) {
        ctx.executor().execute(() -> {
            if (actualReadableBytes() > 0) {
                greeting.release();
                ctx.fireChannelRead(new SmtpInput.EarlyTalker());
            } else {
                ctx.writeAndFlush(greeting);
                resume(Mode.COMMAND);
            }
        });
    }

    /** Bytes received but not yet handed to the session (after STARTTLS: an injection attempt). */
    @Override
    public int bufferedBytes() {
        return actualReadableBytes();
    }

    /** After STARTTLS: read commands again (called on the event loop by StartTls). */
    @Override
    public void resume() {
        resume(Mode.COMMAND);
    }

    private void startData(long maxSize) {
        maxMessageSize = maxSize;
        size = 0;
        tooBig = false;
        longLine = false;
        bareLineEnding = false;
        previousLineEndedWithCrlf = true; // the CRLF that ended the DATA command
        discardingDataLine = false;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (mode) {
            case COMMAND:
                decodeCommand(in, out);
                break;
            case DATA:
                decodeData(in, out);
                break;
            case BDAT:
                decodeChunk(in, out);
                break;
            case PAUSED:
                if (in.readableBytes() > PAUSED_BUFFER_LIMIT) ctx.channel().config().setAutoRead(false);
                break;
        }
    }

    private void decodeCommand(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
        if (discardingCommand) {
            if (lf < 0) {
                in.skipBytes(in.readableBytes());
                return;
            }
            in.readerIndex(lf + 1);
            discardingCommand = false;
            return; // the session was told when the limit was passed; read on from the next line
        }
        if (lf < 0) {
            if (in.readableBytes() > commandLimit) {
                in.skipBytes(in.readableBytes());
                discardingCommand = true;
                emitCommand(out, new SmtpInput.CommandTooLong());
            }
            return;
        }
        int length = lf + 1 - start;
        if (length > commandLimit) {
            in.readerIndex(lf + 1);
            emitCommand(out, new SmtpInput.CommandTooLong());
            return;
        }
        // Commands end in CRLF; a bare LF is taken as a line end too, as most servers do. A CR elsewhere stays
        // in the text, where the session refuses it (it could otherwise split a header or a log line).
        int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        String line = in.toString(start, end - start, StandardCharsets.UTF_8);
        in.readerIndex(lf + 1);
        emitCommand(out, new SmtpInput.CommandLine(line, in.isReadable()));
    }

    private void emitCommand(List<Object> out, SmtpInput input) {
        mode = Mode.PAUSED;
        out.add(input);
    }

    private void decodeData(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
            if (discardingDataLine) {
                int end = lf < 0 ? in.writerIndex() : lf + 1;
                size += end - start;
                if (lf < 0) {
                    lastDiscardedByteWasCr = in.getByte(end - 1) == '\r';
                    in.readerIndex(end);
                    break;
                }
                previousLineEndedWithCrlf = lf > start ? in.getByte(lf - 1) == '\r' : lastDiscardedByteWasCr;
                if (!previousLineEndedWithCrlf) bareLineEnding = true;
                discardingDataLine = false;
                in.readerIndex(end);
                continue;
            }
            if (lf < 0) {
                if (in.readableBytes() >= textLineLimit) {
                    longLine = true;
                    discardingDataLine = true;
                }
                if (!discardingDataLine) break; // wait for the rest of the line
                continue;
            }
            int length = lf + 1 - start;
            boolean crlf = length >= 2 && in.getByte(lf - 1) == '\r';
            if (crlf && length == 3 && previousLineEndedWithCrlf && in.getByte(start) == '.') {
                in.readerIndex(lf + 1);
                flushChunk(out);
                mode = Mode.PAUSED;
                out.add(new SmtpInput.DataEnd(size, tooBig, longLine, bareLineEnding));
                return;
            }
            if (length > textLineLimit) {
                longLine = true;
                size += length;
                previousLineEndedWithCrlf = crlf;
                in.readerIndex(lf + 1);
                continue;
            }
            int contentEnd = crlf ? lf - 1 : lf;
            boolean bare = !crlf || in.indexOf(start, contentEnd, (byte) '\r') >= 0;
            if (bare && !normalize) bareLineEnding = true;
            int from = in.getByte(start) == '.' ? start + 1 : start; // dot-unstuffing, section 4.5.2
            int keep = lf + 1 - from;
            size += keep;
            if (size > maxMessageSize) {
                tooBig = true;
            } else if (!tooBig) {
                if (chunk == null) chunk = ctx.alloc().buffer(Math.min(CHUNK_SIZE, Math.max(256, in.readableBytes())));
                if (bare && normalize) {
                    writeNormalized(in, from, contentEnd);
                } else {
                    chunk.writeBytes(in, from, keep);
                }
                if (chunk.readableBytes() >= CHUNK_SIZE) flushChunk(out);
            }
            previousLineEndedWithCrlf = crlf;
            in.readerIndex(lf + 1);
        }
        flushChunk(out);
    }

    private void flushChunk(List<Object> out) {
        if (chunk != null) {
            if (chunk.isReadable()) {
                out.add(new SmtpInput.DataChunk(chunk));
            } else {
                chunk.release();
            }
            chunk = null;
        }
    }

    /** A line with bare CRs or a bare LF end, written with every line break as CRLF. */
    private void writeNormalized(ByteBuf in, int from, int contentEnd) {
        for (int i = from; i < contentEnd; i++) {
            byte b = in.getByte(i);
            if (b == '\r') {
                chunk.writeBytes(CRLF);
            } else {
                chunk.writeByte(b);
            }
        }
        chunk.writeBytes(CRLF);
    }

    /** BDAT: exactly the announced octets, as they are; then {@link SmtpInput.ChunkEnd}. */
    private void decodeChunk(ByteBuf in, List<Object> out) {
        if (chunkRemaining > 0 && in.isReadable()) {
            int take = (int) Math.min(chunkRemaining, in.readableBytes());
            out.add(new SmtpInput.DataChunk(in.readRetainedSlice(take)));
            chunkRemaining -= take;
        }
        if (chunkRemaining == 0) {
            mode = Mode.PAUSED;
            out.add(new SmtpInput.ChunkEnd());
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (chunk != null) {
            chunk.release();
            chunk = null;
        }
    }
}

package org.mailroom.protocol.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.mailroom.protocol.SessionThreads;

/**
 * A tiny line protocol shaped like SMTP, for tests: "STARTTLS" upgrades through {@link StartTls}, any other
 * line is answered "250 line". The session is offloaded to session threads as the real ones are, so pipelined
 * commands really are decoded before the session handles STARTTLS.
 */
final class LineServer implements AutoCloseable {

    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final SessionThreads sessions = new SessionThreads(1);
    private final Channel serverChannel;
    /** One per STARTTLS the server accepted, in order. */
    final List<Future<Channel>> upgrades = new CopyOnWriteArrayList<>();
    /** tls-server-end-point as the server computed it after each successful upgrade. */
    final List<byte[]> bindings = new CopyOnWriteArrayList<>();

    /** @param implicitTls TLS from the first byte (465/993/995 style) instead of STARTTLS */
    LineServer(TlsContext tls, boolean implicitTls) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (implicitTls) {
                            channel.pipeline().addLast(StartTls.HANDLER_NAME, tls.newHandler(channel.alloc()));
                        }
                        channel.pipeline().addLast("decoder", new PausingLineDecoder());
                        channel.pipeline().addLast("encoder", new StringEncoder(StandardCharsets.US_ASCII));
                        channel.pipeline().addLast("session", sessions.offload(channel, new LineSession(tls)));
                    }
                });
        serverChannel = bootstrap.bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        // The loop first: it closes the open connections, whose last events the sessions still take.
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        sessions.close();
    }

    /** Stops decoding after STARTTLS, as {@link StartTlsDecoder} requires. */
    static final class PausingLineDecoder extends ByteToMessageDecoder implements StartTlsDecoder {

        enum Mode { COMMAND, AWAIT_TLS }

        private Mode mode = Mode.COMMAND;
        private ChannelHandlerContext context;

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            context = ctx;
            if (mode == Mode.AWAIT_TLS) {
                return; // leave the bytes where StartTls can count them
            }
            int end = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
            if (end < 0) {
                if (in.readableBytes() > 1000) {
                    throw new TooLongFrameException("line too long");
                }
                return;
            }
            String line = in.readCharSequence(end + 1 - in.readerIndex(), StandardCharsets.US_ASCII).toString().strip();
            out.add(line);
            if (line.equalsIgnoreCase("STARTTLS")) {
                mode = Mode.AWAIT_TLS;
            }
        }

        @Override
        public int bufferedBytes() {
            return actualReadableBytes();
        }

        @Override
        public void resume() {
            mode = Mode.COMMAND;
            if (actualReadableBytes() > 0) {
                try {
                    channelRead(context, Unpooled.EMPTY_BUFFER); // decode what was held
                } catch (Exception e) {
                    context.fireExceptionCaught(e);
                }
            }
        }
    }

    private final class LineSession extends SimpleChannelInboundHandler<String> {

        private final TlsContext tls;

        LineSession(TlsContext tls) {
            this.tls = tls;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, String line) {
            if (!line.equalsIgnoreCase("STARTTLS")) {
                ctx.writeAndFlush("250 " + line + "\r\n");
                return;
            }
            Channel channel = ctx.channel();
            if (StartTls.isActive(channel)) {
                ctx.writeAndFlush("503 TLS already active\r\n");
                channel.eventLoop().execute(() -> channel.pipeline().get(PausingLineDecoder.class).resume());
                return;
            }
            Future<Channel> upgrade = StartTls.upgrade(channel, tls, "220 ready\r\n");
            upgrade.addListener(done -> {
                if (done.isSuccess()) {
                    Optional<byte[]> binding = ChannelBinding.tlsServerEndPoint(channel);
                    binding.ifPresent(bindings::add);
                }
            });
            upgrades.add(upgrade);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // handshake failures and resets are expected in these tests
        }
    }
}

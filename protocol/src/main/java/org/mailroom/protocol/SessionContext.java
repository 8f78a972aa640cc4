package org.mailroom.protocol;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelProgressivePromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;

/**
 * The context a session sees: its {@link SessionHandoff}'s place in the pipeline, with the connection's serial
 * executor as {@link #executor()}. Futures of its writes and closes notify their listeners on that executor, so
 * they may touch session state, as with a handler added on an executor of its own.
 */
final class SessionContext implements ChannelHandlerContext {

    private final ChannelHandlerContext place;
    private final ChannelHandler session;
    private final EventExecutor executor;

    SessionContext(ChannelHandlerContext place, ChannelHandler session, EventExecutor executor) {
        this.place = place;
        this.session = session;
        this.executor = executor;
    }

    @Override
    public EventExecutor executor() {
        return executor;
    }

    @Override
    public ChannelHandler handler() {
        return session;
    }

    @Override
    public ChannelPromise newPromise() {
        return new DefaultChannelPromise(channel(), executor);
    }

    @Override
    public ChannelProgressivePromise newProgressivePromise() {
        return new DefaultChannelProgressivePromise(channel(), executor);
    }

    @Override
    public ChannelFuture newSucceededFuture() {
        return newPromise().setSuccess();
    }

    @Override
    public ChannelFuture newFailedFuture(Throwable cause) {
        return newPromise().setFailure(cause);
    }

    @Override
    public ChannelPromise voidPromise() {
        return place.voidPromise();
    }

    // ---- the rest as the handoff's own context ----

    @Override
    public Channel channel() {
        return place.channel();
    }

    @Override
    public String name() {
        return place.name();
    }

    @Override
    public boolean isRemoved() {
        return place.isRemoved();
    }

    @Override
    public ChannelPipeline pipeline() {
        return place.pipeline();
    }

    @Override
    public ByteBufAllocator alloc() {
        return place.alloc();
    }

    @Override
    public <T> Attribute<T> attr(AttributeKey<T> key) {
        return place.attr(key);
    }

    @Override
    public <T> boolean hasAttr(AttributeKey<T> key) {
        return place.hasAttr(key);
    }

    @Override
    public ChannelHandlerContext fireChannelRegistered() {
        place.fireChannelRegistered();
        return this;
    }

    @Override
    public ChannelHandlerContext fireChannelUnregistered() {
        place.fireChannelUnregistered();
        return this;
    }

    @Override
    public ChannelHandlerContext fireChannelActive() {
        place.fireChannelActive();
        return this;
    }

    @Override
    public ChannelHandlerContext fireChannelInactive() {
        place.fireChannelInactive();
        return this;
    }

    @Override
    public ChannelHandlerContext fireExceptionCaught(Throwable cause) {
        place.fireExceptionCaught(cause);
        return this;
    }

    @Override
    public ChannelHandlerContext fireUserEventTriggered(Object event) {
        place.fireUserEventTriggered(event);
        return this;
    }

    @Override
    public ChannelHandlerContext fireChannelRead(Object msg) {
        place.fireChannelRead(msg);
        return this;
    }

    @Override
    public ChannelHandlerContext fireChannelReadComplete() {
        place.fireChannelReadComplete();
        return this;
    }

    @Override
    public ChannelHandlerContext fireChannelWritabilityChanged() {
        place.fireChannelWritabilityChanged();
        return this;
    }

    @Override
    public ChannelHandlerContext read() {
        place.read();
        return this;
    }

    @Override
    public ChannelHandlerContext flush() {
        place.flush();
        return this;
    }

    // Outbound operations: the default forms (no promise given) take one from newPromise(), on our executor.

    @Override
    public ChannelFuture bind(SocketAddress local, ChannelPromise promise) {
        return place.bind(local, promise);
    }

    @Override
    public ChannelFuture connect(SocketAddress remote, ChannelPromise promise) {
        return place.connect(remote, promise);
    }

    @Override
    public ChannelFuture connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
        return place.connect(remote, local, promise);
    }

    @Override
    public ChannelFuture disconnect(ChannelPromise promise) {
        return place.disconnect(promise);
    }

    @Override
    public ChannelFuture close(ChannelPromise promise) {
        return place.close(promise);
    }

    @Override
    public ChannelFuture deregister(ChannelPromise promise) {
        return place.deregister(promise);
    }

    @Override
    public ChannelFuture write(Object msg, ChannelPromise promise) {
        return place.write(msg, promise);
    }

    @Override
    public ChannelFuture writeAndFlush(Object msg, ChannelPromise promise) {
        return place.writeAndFlush(msg, promise);
    }
}

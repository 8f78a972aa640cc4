package org.mailroom.server.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.server.admin.AdminException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one request at a time on the blocking executor (routes read the store and hash passwords): guards first
 * (a request the decoder refused, an unknown path, a method the path does not take, a missing or bad token), then
 * the route, then the reply. Every failure becomes a JSON {@code {"error": "..."}} with its status; a bug of ours
 * is a 500 whose body says only "internal error" (the stack trace goes to the log, never to the client).
 *
 * <p>Requests are logged at DEBUG only, method, path and status: monitors poll every second and must not fill
 * the log, and headers (the token) are never logged.
 */
@ChannelHandler.Sharable
final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final List<Route> routes;
    private final BearerAuth auth;

    RequestHandler(List<Route> routes, BearerAuth auth) {
        this.routes = List.copyOf(routes);
        this.auth = auth;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            send(ctx, request, ApiResponse.error(status, "malformed request: " + status.reasonPhrase()), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.rawPath();
        ApiResponse response = answer(ctx, request, path, uri.parameters());
        log.debug("admin {} {} {}", request.method(), path, response.status().code());
        send(ctx, request, response, HttpUtil.isKeepAlive(request));
    }

    private ApiResponse answer(ChannelHandlerContext ctx, FullHttpRequest request, String path,
                               Map<String, List<String>> query) {
        List<String> segments = segments(path);
        if (segments == null) return ApiResponse.error(HttpResponseStatus.BAD_REQUEST, "malformed path");
        Route route = null;
        Map<String, String> params = null;
        StringJoiner allowed = new StringJoiner(", ");
        // HEAD is GET without the body (RFC 9110 section 9.3.2): some monitors ask that way.
        HttpMethod wanted = request.method().equals(HttpMethod.HEAD) ? HttpMethod.GET : request.method();
        for (Route r : routes) {
            Map<String, String> p = r.match(segments);
            if (p == null) continue;
            allowed.add(r.method().name());
            if (r.method().equals(wanted)) {
                route = r;
                params = p;
            }
        }
        if (route == null && allowed.length() == 0) return ApiResponse.error(HttpResponseStatus.NOT_FOUND, "no such resource: " + path);
        if (route == null) {
            return ApiResponse.error(HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " is not allowed on " + path)
                    .withHeader("Allow", allowed.toString());
        }
        InetSocketAddress client = (InetSocketAddress) ctx.channel().remoteAddress();
        try {
            BearerAuth.Verdict verdict = auth.check(route.access(), request.headers(), client);
            if (!verdict.allowed()) {
                return ApiResponse.error(HttpResponseStatus.UNAUTHORIZED, "a valid admin token is required"
                        + " (Authorization: Bearer <token>; make one with 'mailroom admin token add NAME')")
                        .withHeader("WWW-Authenticate", verdict.challenge());
            }
            byte[] body = ByteBufUtil.getBytes(request.content());
            return route.handler().handle(new ApiRequest(request.method(), path, params, query, body, client));
        } catch (ApiError e) {
            return ApiResponse.error(e.status(), e.getMessage());
        } catch (AdminException e) {
            HttpResponseStatus status = switch (e.kind()) {
                case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
                case CONFLICT -> HttpResponseStatus.CONFLICT;
                default -> HttpResponseStatus.BAD_REQUEST;
            };
            return ApiResponse.error(status, e.getMessage());
        } catch (MailStoreException e) {
            return ApiResponse.error(HttpResponseStatus.CONFLICT, e.getMessage());
        } catch (IOException e) {
            log.warn("admin {} {}: storage error: {}", request.method(), path, e.toString());
            return ApiResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "storage error: " + e.getMessage());
        } catch (Exception e) {
            log.warn("admin {} {} failed", request.method(), path, e);
            return ApiResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
        }
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest request, ApiResponse response, boolean keepAlive) {
        boolean head = request.method().equals(HttpMethod.HEAD);
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
        if (response.contentType() != null) out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        out.headers().set("X-Content-Type-Options", "nosniff");
        // For the web console (and harmless on JSON): no framing (clickjacking), scripts, styles and requests
        // only from this origin, no inline script, no form that navigates (the token field must never end up
        // in a URL), no referrer.
        out.headers().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        out.headers().set("X-Frame-Options", "DENY");
        out.headers().set("Referrer-Policy", "no-referrer");
        response.headers().forEach((name, value) -> out.headers().set(name, value));
        if (keepAlive) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
        } else {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ChannelFuture written = ctx.writeAndFlush(out);
        if (!keepAlive) written.addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The path's segments, each percent-decoded as UTF-8 ('+' stays '+': it is common in addresses, and only forms
     * use it for a space); null when malformed.
     */
    static List<String> segments(String rawPath) {
        if (!rawPath.startsWith("/")) return null;
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.substring(1).split("/", -1)) {
            String decoded = percentDecode(raw);
            if (decoded == null) return null;
            segments.add(decoded);
        }
        return segments;
    }

    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) return null;
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c < 0x100) {
                bytes.write(c); // the request line reaches us as ISO-8859-1: one char per octet sent
            } else {
                return null;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            ctx.close(); // idle timeout: nothing owed to a connection that says nothing
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // TLS garbage, resets: the client is gone or talking nonsense; nothing to answer.
        log.debug("admin connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}

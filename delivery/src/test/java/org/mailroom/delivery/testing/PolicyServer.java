package org.mailroom.delivery.testing;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * An MTA-STS policy server on 127.0.0.1 for tests: HTTPS with the given identity, answering
 * {@code /.well-known/mta-sts.txt} with whatever the test sets ({@link #serve}, {@link #fail}).
 */
public final class PolicyServer implements AutoCloseable {

    private final HttpsServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status = 200;
    private volatile String contentType = "text/plain";
    private volatile String body = "";

    public PolicyServer(SSLContext tls) throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/.well-known/mta-sts.txt", exchange -> {
            requests.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Serves this policy text (200, text/plain). */
    public PolicyServer serve(String policy) {
        status = 200;
        contentType = "text/plain";
        body = policy;
        return this;
    }

    /** Serves this body with another status or content type (a redirect, text/html, a huge policy). */
    public PolicyServer serve(int code, String type, String text) {
        status = code;
        contentType = type;
        body = text;
        return this;
    }

    /** Answers with this status and no policy. */
    public PolicyServer fail(int code) {
        status = code;
        body = "";
        return this;
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

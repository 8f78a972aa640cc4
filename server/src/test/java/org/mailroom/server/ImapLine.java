package org.mailroom.server;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A bare IMAP connection for tests that need what no client library does: pipelining behind STARTTLS, timing a
 * reply, switching to TLS by hand. Trusts any certificate (the test server's is self-signed).
 */
final class ImapLine implements Closeable {

    private Socket socket;
    private BufferedReader in;

    ImapLine(int port) throws IOException {
        use(new Socket("127.0.0.1", port));
    }

    /** Implicit TLS from the first byte (port 993). */
    static ImapLine tls(int port) throws IOException, GeneralSecurityException {
        ImapLine line = new ImapLine(port);
        line.startTls();
        return line;
    }

    private void use(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(10_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Wraps the connection in TLS and shakes hands (after the server said OK to STARTTLS). */
    void startTls() throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        tls.startHandshake();
        use(tls);
    }

    String tlsProtocol() {
        return socket instanceof SSLSocket s ? s.getSession().getProtocol() : "none";
    }

    /** Sends the text as it is (add CRLF yourself), in one write. */
    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** The next line without CRLF; null when the server closed the connection. */
    String read() throws IOException {
        try {
            return in.readLine();
        } catch (SocketException reset) {
            return null;
        }
    }

    /** Lines up to and including the first one starting with {@code prefix}. */
    String readUntil(String prefix) throws IOException {
        StringBuilder lines = new StringBuilder();
        String line;
        while ((line = read()) != null) {
            lines.append(line).append('\n');
            if (line.startsWith(prefix)) return lines.toString();
        }
        throw new IOException("closed before a line starting with " + prefix + "; got:\n" + lines);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

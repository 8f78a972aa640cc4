package org.mailroom.delivery.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.protocol.smtp.client.CertificateCheck;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 section 3.3): HTTPS with a
 * certificate valid for {@code mta-sts.<domain>}, no redirects, a 200 with {@code text/plain}, at most 64 KiB,
 * short timeouts.
 *
 * <p>Why HTTP/1.1 by hand on an {@link SSLSocket}: the host is resolved through our {@link DnsResolver} (the
 * JDK's HttpClient asks the system's resolver, which tests and split-horizon setups cannot point elsewhere),
 * and the request is one GET with "Connection: close", whose answer is read to its end.
 */
public final class PolicyFetcher {

    /** RFC 8461 section 3.3 suggests 64 KiB as the most a sender need read. */
    static final int MAX_BODY = 64 * 1024;
    private static final int MAX_HEAD = 16 * 1024;

    /** Why a fetch failed, with its RFC 8460 result type. */
    public static final class Failure extends Exception {
        final String resultType;

        Failure(String resultType, String message) {
            super(message);
            this.resultType = resultType;
        }

        public String resultType() {
            return resultType;
        }
    }

    private final DnsResolver dns;
    private final List<X509TrustManager> trust;
    private final int port;
    private final Duration timeout;

    /** @param port 443; tests serve elsewhere ({@code outbound.mta_sts_port}) */
    public PolicyFetcher(DnsResolver dns, List<X509TrustManager> trust, int port, Duration timeout) {
        this.dns = dns;
        this.trust = List.copyOf(trust);
        this.port = port;
        this.timeout = timeout;
    }

    /** The policy text. */
    public String fetch(String domain) throws Failure {
        String host = "mta-sts." + domain;
        DnsResolver.Answer<InetAddress> addresses = dns.addresses(host);
        if (!addresses.found()) throw new Failure("sts-policy-fetch-error", "no address for " + host + ": " + addresses.detail());
        Failure last = null;
        for (InetAddress address : addresses.records()) {
            try {
                return fetch(host, address);
            } catch (Failure f) {
                last = f;
                if (!f.resultType.equals("sts-policy-fetch-error")) throw f; // the server answered: that is its word
            }
        }
        throw last;
    }

    private String fetch(String host, InetAddress address) throws Failure {
        CertificateCheck check = CertificateCheck.pkix(host, trust, true);
        String where = host + "[" + address.getHostAddress() + "]:" + port;
        try (Socket raw = new Socket()) {
            int millis = (int) timeout.toMillis();
            raw.connect(new InetSocketAddress(address, port), millis);
            raw.setSoTimeout(millis);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {check}, null);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, true)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(host)));
                tls.setSSLParameters(parameters);
                try {
                    tls.startHandshake();
                } catch (SSLException e) {
                    String why = check.failure() != null ? check.failure() : e.getMessage();
                    throw new Failure(check.failure() != null ? "sts-webpki-invalid" : "sts-policy-fetch-error",
                            "TLS with " + where + " failed: " + why);
                }
                OutputStream out = tls.getOutputStream();
                out.write(("GET /.well-known/mta-sts.txt HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: Mailroom\r\n"
                        + "Accept: text/plain\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return readResponse(tls.getInputStream(), where);
            }
        } catch (IOException e) {
            throw new Failure("sts-policy-fetch-error", "fetching the policy from " + where + " failed: " + e);
        } catch (java.security.GeneralSecurityException e) {
            throw new Failure("sts-policy-fetch-error", "no TLS client: " + e);
        }
    }

    private static String readResponse(InputStream in, String where) throws IOException, Failure {
        String head = readHead(in);
        String[] lines = head.split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
            throw new Failure("sts-policy-fetch-error", where + " answered no HTTP: \"" + lines[0] + "\"");
        }
        if (!status[1].equals("200")) {
            // Section 3.3: "HTTP 3xx redirects MUST NOT be followed", and anything else is no policy.
            throw new Failure("sts-policy-fetch-error", where + " answered \"" + lines[0] + "\"");
        }
        String type = null;
        long length = -1;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) continue;
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "content-type" -> type = value.toLowerCase(Locale.ROOT);
                case "content-length" -> length = value.matches("[0-9]{1,12}") ? Long.parseLong(value) : -2;
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                default -> { }
            }
        }
        if (type == null || !(type.equals("text/plain") || type.startsWith("text/plain;"))) {
            throw new Failure("sts-policy-invalid", where + " served the policy as " + type + ", not text/plain");
        }
        if (length > MAX_BODY || length == -2) {
            throw new Failure("sts-policy-invalid", where + " announced a policy of " + length + " octets (limit " + MAX_BODY + ")");
        }
        byte[] body = chunked ? readChunked(in) : readLimited(in, length);
        return new String(body, StandardCharsets.UTF_8);
    }

    private static String readHead(InputStream in) throws IOException, Failure {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) throw new Failure("sts-policy-fetch-error", "the connection ended inside the HTTP head");
            head.write(b);
            if (head.size() > MAX_HEAD) throw new Failure("sts-policy-fetch-error", "HTTP head over " + MAX_HEAD + " octets");
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Content-Length bytes, or to the end of the connection when -1; never past {@link #MAX_BODY}. */
    private static byte[] readLimited(InputStream in, long length) throws IOException, Failure {
        byte[] body = in.readNBytes(length < 0 ? MAX_BODY + 1 : (int) length);
        if (body.length > MAX_BODY) throw new Failure("sts-policy-invalid", "policy over " + MAX_BODY + " octets");
        if (length >= 0 && body.length < length) throw new Failure("sts-policy-fetch-error", "policy cut short");
        return body;
    }

    private static byte[] readChunked(InputStream in) throws IOException, Failure {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            if (!hex.matches("[0-9a-fA-F]{1,6}")) throw new Failure("sts-policy-fetch-error", "bad chunk size \"" + hex + "\"");
            int size = Integer.parseInt(hex, 16);
            if (size == 0) return body.toByteArray();
            if (body.size() + size > MAX_BODY) throw new Failure("sts-policy-invalid", "policy over " + MAX_BODY + " octets");
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) throw new Failure("sts-policy-fetch-error", "policy cut short");
            body.write(chunk);
            readLine(in); // the CRLF after the chunk
        }
    }

    private static String readLine(InputStream in) throws IOException, Failure {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0 || line.length() > 100) throw new Failure("sts-policy-fetch-error", "bad chunked encoding");
            if (b != '\r') line.append((char) b);
        }
        return line.toString();
    }
}

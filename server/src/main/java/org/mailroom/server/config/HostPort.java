package org.mailroom.server.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A host and a port as written in the configuration: {@code host:port}, {@code :port} (every address),
 * {@code [::1]:port} (IPv6 in brackets, as in URLs, RFC 3986 section 3.2.2), or {@code host} alone where
 * a default port exists. The host is empty for "every local address".
 */
public record HostPort(String host, int port) {

    /**
     * Parses {@code text}; {@code defaultPort} is used when the port is left out, and -1 means the
     * port is required.
     *
     * @throws IllegalArgumentException with a message that quotes the text
     */
    public static HostPort parse(String text, int defaultPort) {
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) throw bad(text, defaultPort);
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (rest.isEmpty()) {
                port = null;
            } else if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else {
                throw bad(text, defaultPort);
            }
            if (!host.contains(":")) throw bad(text, defaultPort);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') != colon) {
                throw new IllegalArgumentException("put an IPv6 address in brackets, as in \"[::1]:25\", got \"" + text + "\"");
            }
            host = colon < 0 ? s : s.substring(0, colon);
            port = colon < 0 ? null : s.substring(colon + 1);
            if (host.contains(" ") || host.contains("/")) throw bad(text, defaultPort);
        }
        int number;
        if (port == null) {
            if (defaultPort < 0 || host.isEmpty()) throw bad(text, defaultPort);
            number = defaultPort;
        } else {
            number = parsePort(port, text, defaultPort);
        }
        return new HostPort(host, number);
    }

    private static int parsePort(String port, String text, int defaultPort) {
        if (port.isEmpty() || port.length() > 5) throw bad(text, defaultPort);
        for (int i = 0; i < port.length(); i++) {
            if (!Character.isDigit(port.charAt(i))) throw bad(text, defaultPort);
        }
        int number = Integer.parseInt(port);
        if (number > 65535) throw new IllegalArgumentException("port " + number + " is above 65535 in \"" + text + "\"");
        return number;
    }

    private static IllegalArgumentException bad(String text, int defaultPort) {
        String expected = defaultPort < 0 ? "\"host:port\", \":port\" or \"[::1]:port\"" : "\"host\" or \"host:port\"";
        return new IllegalArgumentException("expected " + expected + ", got \"" + text + "\"");
    }

    /**
     * The address to bind or connect to: every local address when the host is empty, otherwise the
     * host's address (an IP literal is used as it is; a name is looked up now).
     *
     * @throws IllegalArgumentException when the name has no address
     */
    public InetSocketAddress toSocketAddress() {
        if (host.isEmpty()) return new InetSocketAddress(port);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve host \"" + host + "\"");
        }
    }

    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return h + ":" + port;
    }
}

package org.mailroom.server.autoconfig;

import java.util.Map;
import java.net.InetSocketAddress;

/**
 * Where clients reach us: the public host name and the port of each listener that is on (0 when off), taken from
 * the addresses the server actually bound, so a client is never sent to a port nobody listens on.
 *
 * @param imaps       IMAP over implicit TLS (RFC 8314: preferred), {@code listen.imaps}
 * @param imap        IMAP with STARTTLS, {@code listen.imap}
 * @param pop3s       POP3 over implicit TLS
 * @param pop3        POP3 with STLS
 * @param submissions submission over implicit TLS (465)
 * @param submission  submission with STARTTLS (587)
 */
public record MailEndpoints(String hostname, int imaps, int imap, int pop3s, int pop3, int submissions,
                            int submission) {

    /** From the server's bound listeners by name ("imaps", "submission", ...), as {@code Server.addresses()}. */
    public static MailEndpoints of(String hostname, Map<String, InetSocketAddress> bound) {
        return new MailEndpoints(hostname, port(bound, "imaps"), port(bound, "imap"), port(bound, "pop3s"),
                port(bound, "pop3"), port(bound, "submissions"), port(bound, "submission"));
    }

    private static int port(Map<String, InetSocketAddress> bound, String name) {
        InetSocketAddress a = bound.get(name);
        return a == null ? 0 : a.getPort();
    }
}

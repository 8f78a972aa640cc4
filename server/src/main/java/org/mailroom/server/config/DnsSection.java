package org.mailroom.server.config;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code [dns]}: the resolvers asked for MX, A/AAAA and TXT records, as {@code "host[:port]"} (port 53
 * by default). Empty means the system's resolvers (/etc/resolv.conf). {@code dnssec}: those resolvers validate
 * DNSSEC and their AD bit is believed, which turns DANE for outbound SMTP on (RFC 7672).
 */
public record DnsSection(List<String> servers, boolean dnssec) {

    public DnsSection {
        servers = List.copyOf(servers);
    }

    /** @throws ConfigException naming {@code dns.servers} when one is not an address */
    public List<InetSocketAddress> serverAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String server : servers) {
            try {
                HostPort hp = HostPort.parse(server, 53);
                if (hp.host().isEmpty()) throw new IllegalArgumentException("a DNS server needs a host, got \"" + server + "\"");
                out.add(hp.toSocketAddress());
            } catch (IllegalArgumentException e) {
                throw ConfigException.badValue("dns.servers", e.getMessage());
            }
        }
        return out;
    }

    void validate() {
        serverAddresses();
    }
}

package org.mailroom.core.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A set of IPv4 and IPv6 networks in CIDR notation ({@code 127.0.0.0/8}, {@code ::1/128}, {@code 192.0.2.7} for one
 * host), such as {@code limits.trusted_networks}: client networks that {@link LoginGuard} does not rate-limit.
 */
public final class TrustedNetworks {

    /** The loopback networks: a webmail, a monitor or an admin script on this machine. */
    public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1/128");

    private record Network(byte[] prefix, int bits) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) return false;
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) if (address[i] != prefix[i]) return false;
            int rest = bits % 8;
            if (rest == 0) return true;
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[whole] & mask) == (prefix[whole] & mask);
        }
    }

    private final List<Network> networks;
    private final List<String> texts;

    private TrustedNetworks(List<Network> networks, List<String> texts) {
        this.networks = networks;
        this.texts = texts;
    }

    public static TrustedNetworks none() {
        return new TrustedNetworks(List.of(), List.of());
    }

    public static TrustedNetworks loopback() {
        return parse(LOOPBACK);
    }

    /**
     * Parses {@code address/bits} or a bare address (all its bits). Only literal addresses: a host name here
     * would be a DNS look-up at start and a trust that DNS could move.
     *
     * @throws IllegalArgumentException naming the first entry that is not a network
     */
    public static TrustedNetworks parse(List<String> cidrs) {
        List<Network> networks = new ArrayList<>();
        for (String cidr : cidrs) networks.add(network(cidr.trim()));
        return new TrustedNetworks(List.copyOf(networks), List.copyOf(cidrs));
    }

    private static Network network(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        boolean v4 = address.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean v6 = address.contains(":") && address.toLowerCase(Locale.ROOT).matches("[0-9a-f:.]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("not an IP network: \"" + cidr + "\"");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress(); // a literal: no look-up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP network: \"" + cidr + "\"");
        }
        int bits = bytes.length * 8;
        if (slash >= 0) {
            String length = cidr.substring(slash + 1);
            if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > bytes.length * 8) {
                throw new IllegalArgumentException("bad prefix length in \"" + cidr + "\"");
            }
            bits = Integer.parseInt(length);
        }
        return new Network(bytes, bits);
    }

    /** True when {@code address} is in one of the networks (false for null: an unknown peer is not trusted). */
    public boolean contains(InetAddress address) {
        if (address == null) return false;
        byte[] bytes = unmapped(address.getAddress());
        for (Network n : networks) if (n.contains(bytes)) return true;
        return false;
    }

    /**
     * The IPv4 address inside an IPv4-mapped IPv6 one ({@code ::ffff:192.0.2.1}, as a dual-stack socket may report
     * an IPv4 client), else the bytes as they are.
     */
    static byte[] unmapped(byte[] bytes) {
        if (bytes.length != 16) return bytes;
        for (int i = 0; i < 10; i++) if (bytes[i] != 0) return bytes;
        if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) return bytes;
        return java.util.Arrays.copyOfRange(bytes, 12, 16);
    }

    public boolean isEmpty() {
        return networks.isEmpty();
    }

    @Override
    public String toString() {
        return String.join(", ", texts);
    }
}

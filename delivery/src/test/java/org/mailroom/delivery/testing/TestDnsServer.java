package org.mailroom.delivery.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A DNS server on 127.0.0.1 (real UDP) for tests, answering from zones seeded in code, like an
 * authoritative server with recursion: CNAMEs are followed within its data.
 *
 * <pre>{@code
 * try (TestDnsServer dns = TestDnsServer.start()) {
 *     dns.mx("b.test", 10, "mx.b.test").a("mx.b.test", "127.0.0.1").servfail("broken.test");
 *     ... new DnsjavaResolver(List.of(dns.address()), ...) ...
 * }
 * }</pre>
 * Names not seeded answer NXDOMAIN; a name marked {@link #servfail} answers SERVFAIL, one marked
 * {@link #silent} never answers (a timeout). Thread-safe; seeding may change between queries.
 */
public final class TestDnsServer implements AutoCloseable {

    private static final long TTL = 300;

    private enum Behaviour { SERVFAIL, SILENT }

    private final DatagramSocket socket;
    private final Thread thread;
    private final ServerSocket tcpSocket;
    private final Thread tcpThread;
    private final List<Record> records = new CopyOnWriteArrayList<>();
    private final Map<Name, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final java.util.Set<Name> authenticated = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private TestDnsServer() throws IOException {
        // UDP and TCP on the same port number, as a real server: an answer too long for UDP is truncated (TC)
        // and the resolver asks again over TCP (RFC 7766).
        DatagramSocket udp = null;
        ServerSocket tcp = null;
        for (int attempt = 0; tcp == null; attempt++) {
            udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try {
                tcp = new ServerSocket();
                tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort()));
            } catch (IOException e) {
                udp.close();
                tcp = null;
                if (attempt == 20) throw e;
            }
        }
        socket = udp;
        tcpSocket = tcp;
        thread = new Thread(this::serve, "test-dns " + socket.getLocalPort());
        thread.setDaemon(true);
        tcpThread = new Thread(this::serveTcp, "test-dns-tcp " + socket.getLocalPort());
        tcpThread.setDaemon(true);
    }

    public static TestDnsServer start() throws IOException {
        TestDnsServer server = new TestDnsServer();
        server.thread.start();
        server.tcpThread.start();
        return server;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public TestDnsServer mx(String domain, int preference, String host) {
        records.add(new MXRecord(name(domain), DClass.IN, TTL, preference, name(host)));
        return this;
    }

    /** RFC 7505: {@code 0 .} */
    public TestDnsServer nullMx(String domain) {
        records.add(new MXRecord(name(domain), DClass.IN, TTL, 0, Name.root));
        return this;
    }

    public TestDnsServer a(String host, String address) {
        try {
            InetAddress ip = InetAddress.getByName(address);
            records.add(ip.getAddress().length == 4 ? new ARecord(name(host), DClass.IN, TTL, ip)
                    : new AAAARecord(name(host), DClass.IN, TTL, ip));
        } catch (IOException e) {
            throw new IllegalArgumentException(address, e);
        }
        return this;
    }

    /**
     * A TXT record; text longer than 255 octets is split into several character-strings, as a zone file
     * would hold it (RFC 7208 section 3.3: the reader joins them again).
     */
    public TestDnsServer txt(String name, String text) {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) strings.add(text.substring(i, Math.min(text.length(), i + 255)));
        if (strings.isEmpty()) strings.add("");
        records.add(new TXTRecord(name(name), DClass.IN, TTL, strings));
        return this;
    }

    /** A PTR record for an address: {@code ptr("192.0.2.1", "mx.b.test")}. */
    public TestDnsServer ptr(String address, String host) {
        try {
            Name reverse = ReverseMap.fromAddress(InetAddress.getByName(address));
            records.add(new PTRRecord(reverse, DClass.IN, TTL, name(host)));
        } catch (IOException e) {
            throw new IllegalArgumentException(address, e);
        }
        return this;
    }

    /** A TLSA record (RFC 6698), e.g. {@code tlsa("_25._tcp.mx.b.test", 3, 1, 1, sha256OfKey)}. */
    public TestDnsServer tlsa(String name, int usage, int selector, int matchingType, byte[] data) {
        records.add(new TLSARecord(name(name), DClass.IN, TTL, usage, selector, matchingType, data));
        return this;
    }

    /**
     * Answers about these names carry the AD bit, as a validating resolver sets it for a signed zone (a CNAME
     * hop's answer carries it when the name asked is marked).
     */
    public TestDnsServer authenticated(String... names) {
        for (String n : names) authenticated.add(name(n));
        return this;
    }

    /** Removes every record of a name (a test changes its zone between messages). */
    public TestDnsServer remove(String name) {
        Name n = name(name);
        records.removeIf(r -> r.getName().equals(n));
        return this;
    }

    /** An SRV record (RFC 2782): {@code srv("_imaps._tcp.b.test", 0, 1, 993, "mail.b.test")}. */
    public TestDnsServer srv(String name, int priority, int weight, int port, String target) {
        records.add(new org.xbill.DNS.SRVRecord(name(name), DClass.IN, TTL, priority, weight, port, name(target)));
        return this;
    }

    public TestDnsServer cname(String alias, String target) {
        records.add(new CNAMERecord(name(alias), DClass.IN, TTL, name(target)));
        return this;
    }

    /** The name exists (NOERROR) even without records, e.g. for "no MX, no address". */
    public TestDnsServer exists(String domain) {
        records.add(new SOARecord(name(domain), DClass.IN, TTL, name("ns." + domain), name("hostmaster." + domain),
                1, 3600, 600, 86400, 60));
        return this;
    }

    public TestDnsServer servfail(String domain) {
        behaviours.put(name(domain), Behaviour.SERVFAIL);
        return this;
    }

    /** Queries for this name are never answered. */
    public TestDnsServer silent(String domain) {
        behaviours.put(name(domain), Behaviour.SILENT);
        return this;
    }

    /** Queries received for {@code TYPE name}, e.g. {@code queries("MX", "b.test")}. */
    public int queries(String type, String name) {
        AtomicInteger n = queries.get(type + " " + name.toLowerCase(Locale.ROOT));
        return n == null ? 0 : n.get();
    }

    private static Name name(String s) {
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private void serve() {
        byte[] buffer = new byte[65_535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Message response = answer(query);
                if (response == null) continue;
                int limit = query.getOPT() != null ? Math.max(512, query.getOPT().getPayloadSize()) : 512;
                byte[] out = response.toWire();
                if (out.length > limit) {
                    // Too long for this client over UDP: the question alone with TC set; it retries over TCP.
                    Message truncated = new Message(query.getHeader().getID());
                    truncated.getHeader().setFlag(Flags.QR);
                    truncated.getHeader().setFlag(Flags.TC);
                    truncated.addRecord(query.getQuestion(), Section.QUESTION);
                    out = truncated.toWire();
                }
                socket.send(new DatagramPacket(out, out.length, packet.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                if (closed) return;
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            try (Socket client = tcpSocket.accept()) {
                client.setSoTimeout(5000);
                DataInputStream in = new DataInputStream(client.getInputStream());
                DataOutputStream out = new DataOutputStream(client.getOutputStream());
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                Message response = answer(new Message(wire));
                if (response == null) continue;
                byte[] bytes = response.toWire();
                out.writeShort(bytes.length);
                out.write(bytes);
                out.flush();
            } catch (IOException | RuntimeException e) {
                if (closed) return;
            }
        }
    }

    private Message answer(Message query) {
        Record question = query.getQuestion();
        Name qname = question.getName();
        int type = question.getType();
        queries.computeIfAbsent(Type.string(type) + " " + qname.toString(true).toLowerCase(Locale.ROOT),
                k -> new AtomicInteger()).incrementAndGet();
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        response.getHeader().setFlag(Flags.AA);
        if (authenticated.contains(qname)) response.getHeader().setFlag(Flags.AD);
        response.addRecord(question, Section.QUESTION);
        Name current = qname;
        for (int hop = 0; hop < 10; hop++) {
            Behaviour b = behaviours.get(current);
            if (b == Behaviour.SILENT) return null;
            if (b == Behaviour.SERVFAIL) {
                response.getHeader().setRcode(Rcode.SERVFAIL);
                return response;
            }
            List<Record> matching = new ArrayList<>();
            Record cname = null;
            boolean exists = false;
            for (Record r : records) {
                if (!r.getName().equals(current)) continue;
                exists = true;
                if (r.getType() == type) matching.add(r);
                if (r.getType() == Type.CNAME) cname = r;
            }
            if (!matching.isEmpty()) {
                for (Record r : matching) response.addRecord(r, Section.ANSWER);
                return response;
            }
            if (cname != null && type != Type.CNAME) {
                response.addRecord(cname, Section.ANSWER);
                current = ((CNAMERecord) cname).getTarget();
                continue;
            }
            if (!exists) response.getHeader().setRcode(Rcode.NXDOMAIN);
            response.addRecord(new SOARecord(current, DClass.IN, 60, name("ns.test"), name("hostmaster.test"),
                    1, 3600, 600, 86400, 60), Section.AUTHORITY);
            return response;
        }
        response.getHeader().setRcode(Rcode.SERVFAIL);
        return response;
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
        try {
            tcpSocket.close();
        } catch (IOException ignored) {
            // closing
        }
        try {
            thread.join(2000);
            tcpThread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

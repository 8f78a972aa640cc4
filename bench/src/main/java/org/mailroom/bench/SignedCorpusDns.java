package org.mailroom.bench;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mailroom.mailauth.dkim.DkimKey;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench dns}: the sending domain of a DKIM-signed corpus, for measuring inbound checks. Makes (once, in
 * {@code --dir}) an RSA-2048 key for {@code --selector._domainkey.--domain}, then serves, over UDP and TCP on
 * 127.0.0.1, the domain's SPF record (127.0.0.1 may send), its DKIM key and a DMARC {@code p=reject} record, with
 * an hour's TTL so that the server's cache stays warm; every other name does not exist. {@code bench smtp
 * --dkim-key DIR/dkim.pem} signs the corpus with that key. Runs until killed.
 */
@Command(name = "dns", mixinStandardHelpOptions = true,
        description = "Serve SPF, DKIM and DMARC records of the corpus's sender domain on 127.0.0.1 (for a signed corpus).")
final class SignedCorpusDns implements Callable<Integer> {

    static final String KEY_FILE = "dkim.pem";

    private final PrintStream out;

    SignedCorpusDns(PrintStream out) {
        this.out = out;
    }

    @Option(names = "--port", required = true, description = "UDP and TCP port on 127.0.0.1.")
    int port;

    @Option(names = "--dir", required = true, description = "Where the key is kept (" + KEY_FILE + ", made if missing).")
    Path dir;

    @Option(names = "--domain", defaultValue = "client.test", description = "Sender domain (default: ${DEFAULT-VALUE}).")
    String domain;

    @Option(names = "--selector", defaultValue = "bench", description = "DKIM selector (default: ${DEFAULT-VALUE}).")
    String selector;

    @Override
    public Integer call() throws Exception {
        String publicKey = ensureKey(dir);
        Map<Name, String> txt = Map.of(
                Name.fromString(domain + "."), "v=spf1 ip4:127.0.0.1 -all",
                Name.fromString(selector + "._domainkey." + domain + "."), "v=DKIM1; k=rsa; p=" + publicKey,
                Name.fromString("_dmarc." + domain + "."), "v=DMARC1; p=reject");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (DatagramSocket udp = new DatagramSocket(port, loopback);
             ServerSocket tcp = new ServerSocket(port, 50, loopback)) {
            Thread tcpThread = new Thread(() -> serveTcp(tcp, txt), "bench-dns-tcp");
            tcpThread.setDaemon(true);
            tcpThread.start();
            out.printf("dns: %s on 127.0.0.1:%d (SPF, DKIM selector %s, DMARC p=reject)%n", domain, port, selector);
            out.flush();
            byte[] buffer = new byte[65_535];
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                try {
                    Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                    byte[] answer = answer(query, txt).toWire(query.getOPT() != null
                            ? Math.max(512, query.getOPT().getPayloadSize()) : 512);
                    udp.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                } catch (IOException | RuntimeException malformed) {
                    // not a query we can answer: nothing to send
                }
            }
        }
    }

    private static void serveTcp(ServerSocket tcp, Map<Name, String> txt) {
        while (!tcp.isClosed()) {
            try (Socket client = tcp.accept()) {
                client.setSoTimeout(5000);
                DataInputStream in = new DataInputStream(client.getInputStream());
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                byte[] answer = answer(new Message(wire), txt).toWire();
                DataOutputStream o = new DataOutputStream(client.getOutputStream());
                o.writeShort(answer.length);
                o.write(answer);
                o.flush();
            } catch (IOException | RuntimeException e) {
                // one client's trouble; go on serving
            }
        }
    }

    private static Message answer(Message query, Map<Name, String> txt) throws IOException {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.getHeader().setFlag(Flags.RA);
        org.xbill.DNS.Record question = query.getQuestion();
        response.addRecord(question, Section.QUESTION);
        String text = txt.get(question.getName());
        if (text != null && question.getType() == Type.TXT) {
            List<String> strings = new ArrayList<>();
            for (int i = 0; i < text.length(); i += 255) strings.add(text.substring(i, Math.min(text.length(), i + 255)));
            response.addRecord(new TXTRecord(question.getName(), DClass.IN, 3600, strings), Section.ANSWER);
            return response;
        }
        if (text == null) response.getHeader().setRcode(Rcode.NXDOMAIN);
        response.addRecord(new SOARecord(question.getName(), DClass.IN, 3600, Name.fromString("ns.test."),
                Name.fromString("hostmaster.test."), 1, 3600, 600, 86400, 3600), Section.AUTHORITY);
        return response;
    }

    /** Makes the key pair unless {@code dir} has it; returns the public key as the record's {@code p=} value. */
    static String ensureKey(Path dir) throws IOException, GeneralSecurityException {
        Path file = dir.resolve(KEY_FILE);
        PrivateKey key;
        if (Files.exists(file)) {
            key = readKey(file);
        } else {
            Files.createDirectories(dir);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            key = pair.getPrivate();
            Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
        }
        java.security.interfaces.RSAPrivateCrtKey crt = (java.security.interfaces.RSAPrivateCrtKey) key;
        java.security.PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(
                new java.security.spec.RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        return Base64.getEncoder().encodeToString(pub.getEncoded());
    }

    /** A PKCS#8 PEM private key (RSA), as {@link #ensureKey} writes it. */
    static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** The signing key for {@code bench smtp --dkim-key}. */
    static DkimKey dkimKey(Path file, String domain, String selector) throws IOException, GeneralSecurityException {
        return new DkimKey(domain.toLowerCase(Locale.ROOT), selector, DkimKey.Algorithm.RSA_SHA256, readKey(file));
    }
}

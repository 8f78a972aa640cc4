package org.mailroom.server.admin;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.delivery.signing.KeyMaterial;
import org.mailroom.server.config.Config;

/**
 * The DNS records a domain served by Mailroom needs, as zone-file lines ({@code mailroom dns records}) and as
 * expectations for {@code mailroom dns check}. The choices, each explained in the printed comments:
 *
 * <ul>
 *   <li>MX: the domain's mail goes to {@code server.hostname}.</li>
 *   <li>SPF {@code v=spf1 mx ~all}: the MX hosts send the domain's mail (this server does both); others soft-fail,
 *       not fail, so that a forgotten sender (a web shop, a mailing service) is marked, not refused, while DKIM and
 *       DMARC carry the weight. Tighten to {@code -all} when sure.</li>
 *   <li>DKIM: every key in DNS (published, signing, or retired but still needed).</li>
 *   <li>DMARC {@code p=none} with aggregate reports to postmaster: a new domain first watches what receivers see;
 *       move to {@code p=quarantine}, then {@code p=reject}, once the reports show only your own mail passing.</li>
 *   <li>MTA-STS in {@code mode: testing} and TLS-RPT to postmaster: senders report TLS trouble instead of refusing;
 *       the {@code id} is a digest of the policy text, so it changes exactly when the policy does.</li>
 *   <li>SRV records (RFC 6186, with RFC 8314's preference for implicit TLS: lower priority number) for the
 *       listeners that are on, {@code 0 0 0 .} ("not offered") for those that are off; autoconfig and
 *       autodiscover names for mail clients that look for them.</li>
 * </ul>
 */
public final class DnsRecords {

    static final long TTL = 3600;

    public enum Type { MX, TXT, SRV, CNAME }

    /** One record; {@code comment} lines go above it ("" for none). */
    public record Line(String comment, String name, Type type, String value) {

        /** The zone-file line: absolute name, TTL, class, type, data (TXT split into quoted strings of 255 or less). */
        public String zoneLine() {
            String data = type == Type.TXT ? quoted(value) : value;
            return String.format(Locale.ROOT, "%-40s %d IN %-5s %s", name, TTL, type, data);
        }
    }

    /** One service of RFC 6186 / RFC 8314. */
    private record Service(String label, Optional<InetSocketAddress> listener, int priority, String what) {}

    private DnsRecords() {}

    /** The records of {@code domain} (lower case, no trailing dot) for this configuration and these keys. */
    public static List<Line> of(String domain, Config config, List<DkimKeyRecord> keys) {
        String d = domain + ".";
        String host = config.server().hostname().toLowerCase(Locale.ROOT) + ".";
        String postmaster = "postmaster@" + domain;
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("Mail for " + domain + " goes to this server (" + host + " needs A/AAAA records and"
                + " a PTR record naming it for each address).", d, Type.MX, "10 " + host));
        lines.add(new Line("SPF: the MX hosts send " + domain + "'s mail; others soft-fail. Use -all once no other"
                + " host sends as " + domain + ".", d, Type.TXT, "v=spf1 mx ~all"));
        for (DkimKeyRecord key : keys) {
            String value;
            try {
                value = KeyMaterial.dnsRecord(key);
            } catch (GeneralSecurityException e) {
                value = "v=DKIM1; p="; // an unreadable key: published as revoked (RFC 6376 section 3.6.1, empty p=)
            }
            lines.add(new Line("DKIM key " + key.selector() + " (" + key.algorithm() + ", " + describe(key) + ").",
                    key.selector() + "._domainkey." + d, Type.TXT, value));
        }
        lines.add(new Line("DMARC: p=none while you watch the reports sent to " + postmaster + " (make sure it"
                + " exists: mailroom alias add); then p=quarantine, then p=reject.", "_dmarc." + d, Type.TXT,
                "v=DMARC1; p=none; rua=mailto:" + postmaster));
        String policy = mtaStsPolicy(host);
        StringBuilder sts = new StringBuilder("MTA-STS (RFC 8461): serve this text at https://mta-sts." + domain
                + "/.well-known/mta-sts.txt\n(a web server with a valid certificate for mta-sts." + domain
                + "); change the id whenever the text changes:");
        for (String l : policy.split("\r\n")) sts.append("\n    ").append(l);
        lines.add(new Line(sts.toString(), "_mta-sts." + d, Type.TXT, "v=STSv1; id=" + policyId(policy)));
        lines.add(new Line("TLS-RPT (RFC 8460): daily reports of TLS trouble senders had with " + host,
                "_smtp._tls." + d, Type.TXT, "v=TLSRPTv1; rua=mailto:" + postmaster));
        List<Service> services = List.of(
                new Service("_submissions._tcp.", config.listen().submissionsAddress(), 0, "submission, implicit TLS"),
                new Service("_submission._tcp.", config.listen().submissionAddress(), 10, "submission, STARTTLS"),
                new Service("_imaps._tcp.", config.listen().imapsAddress(), 0, "IMAP, implicit TLS"),
                new Service("_imap._tcp.", config.listen().imapAddress(), 10, "IMAP, STARTTLS"),
                new Service("_pop3s._tcp.", config.listen().pop3sAddress(), 0, "POP3, implicit TLS"),
                new Service("_pop3._tcp.", config.listen().pop3Address(), 10, "POP3, STLS"));
        boolean first = true;
        for (Service s : services) {
            String value = s.listener().isPresent()
                    ? s.priority() + " 1 " + s.listener().get().getPort() + " " + host
                    : "0 0 0 ."; // RFC 6186 section 3.4: the service is not offered
            lines.add(new Line(first ? "Where mail clients find the services (RFC 6186, RFC 8314: implicit TLS first)."
                    : "", s.label() + d, Type.SRV, value));
            first = false;
        }
        lines.add(new Line("Names some mail clients try for their settings.", "autoconfig." + d, Type.CNAME, host));
        lines.add(new Line("", "autodiscover." + d, Type.CNAME, host));
        return lines;
    }

    /** The whole output of {@code dns records}. */
    public static String zone(String domain, Config config, List<DkimKeyRecord> keys) {
        StringBuilder out = new StringBuilder();
        out.append("; DNS records for ").append(domain).append(", made by Mailroom for ")
           .append(config.server().hostname()).append(". Paste them into the zone of ").append(domain).append(".\n");
        if (config.server().hostname().indexOf('.') < 0) {
            out.append("; WARNING: server.hostname is '").append(config.server().hostname()).append("', not a name other")
               .append(" servers can look up: set it to this machine's public name first.\n");
        }
        for (Line line : of(domain, config, keys)) {
            if (!line.comment().isEmpty()) {
                out.append('\n');
                for (String c : line.comment().split("\n")) out.append("; ").append(c).append('\n');
            }
            out.append(line.zoneLine()).append('\n');
        }
        return out.toString();
    }

    /** The MTA-STS policy for a domain whose only MX is {@code host} (with its trailing dot). */
    static String mtaStsPolicy(String host) {
        String mx = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        return "version: STSv1\r\nmode: testing\r\nmx: " + mx + "\r\nmax_age: 604800\r\n";
    }

    /** A digest of the policy, 1 to 32 letters and digits as RFC 8461 section 3.1 asks. */
    static String policyId(String policy) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(policy.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(DkimKeyRecord key) {
        return switch (key.state()) {
            case ACTIVE -> "signing";
            case PUBLISHED -> "published, not signing yet";
            case RETIRED -> "retired, keep until " + key.retireAfter();
        };
    }

    /** TXT data as zone-file character-strings: quoted, at most 255 octets each (RFC 1035 section 3.3.14). */
    static String quoted(String value) {
        StringBuilder out = new StringBuilder();
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < bytes.length || i == 0; i += 255) {
            if (out.length() > 0) out.append(' ');
            String part = new String(bytes, i, Math.min(255, bytes.length - i), StandardCharsets.US_ASCII);
            out.append('"').append(part.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            if (bytes.length == 0) break;
        }
        return out.toString();
    }
}

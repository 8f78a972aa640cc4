package org.mailroom.delivery.signing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailroom.core.dkim.DkimRotation;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.mime.Address;
import org.mailroom.core.mime.MessageStructure;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.MailQueue;
import org.mailroom.mailauth.AuthenticationResults;
import org.mailroom.mailauth.arc.ArcSealer;
import org.mailroom.mailauth.dkim.DkimKey;
import org.mailroom.mailauth.dkim.DkimSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The header fields put in front of a message that leaves through the outbound queue: DKIM-Signature fields, or an
 * ARC set for mail we forward.
 *
 * <ul>
 *   <li><b>Our users' mail</b> (submitted here after AUTH, which our Received field says, and the From: domain is a
 *       local domain with ACTIVE keys): one DKIM-Signature per ACTIVE key, RSA and Ed25519 (RFC 8463 section 3
 *       recommends both side by side while verifiers learn Ed25519).</li>
 *   <li><b>Our own messages</b> (no Received field: bounces, delivery notices): the From: domain's keys, else those of
 *       the host name or the nearest parent of it that is a local domain with keys ({@code MAILER-DAEMON@mx.example.org}
 *       is signed {@code d=example.org}).</li>
 *   <li><b>Forwarded mail</b> (anything that came from another server, with our Authentication-Results: an alias
 *       sends it on): an ARC set (RFC 8617) signed with the RSA key of the alias's domain, which is the domain of
 *       the recipient's ORCPT (LocalDelivery records the alias there); if that domain has no keys, the host name's
 *       domain as for bounces. Never a DKIM-Signature, even with a From: of ours: that could only be a forgery
 *       coming in on port 25, which we must not vouch for.</li>
 * </ul>
 *
 * <p>The result is kept per blob in a small cache, so that a message to several domains, or retried, is signed
 * once (every copy then carries the same signature, which is what a verifier sees anyway). The blob itself is never
 * rewritten. Keys are read from the directory (with {@link DkimRotation#advance}) at most every {@link #KEYS_TTL}
 * per domain, so a {@code mailroom dkim rotate} or {@code domain add} is seen within that time without a restart.
 * Measured on SQLite: reading a domain's keys costs 0.2 to 0.3 ms and decoding a pair 0.25 ms, too much for every
 * message, nothing every 10 seconds.
 * A signing failure (a bad key, the store away, a bug) is logged and the message goes unsigned this time: better
 * delivered unsigned than not; such a result is not cached.
 */
public final class OutboundSigner {

    private static final Logger log = LoggerFactory.getLogger(OutboundSigner.class);

    /** How long a domain's keys are reused before asking the directory again. */
    static final Duration KEYS_TTL = Duration.ofSeconds(10);
    private static final int SIGNED_CACHE = 512;
    /** The header section is read up to this size to find From: and Authentication-Results. */
    private static final int HEADER_MAX = 256 * 1024;
    /** Our Received field (SmtpSession.traceHeaders): the host name and the RFC 3848 protocol name. */
    private static final Pattern OUR_RECEIVED =
            Pattern.compile("\\sby\\s+(\\S+)\\s+\\(Mailroom\\)\\s+with\\s+(\\S+)", Pattern.CASE_INSENSITIVE);

    private final Directory directory;
    private final DkimRotation rotation;
    private final DkimSigner signer;
    private final ArcSealer sealer;
    private final String hostname;
    private final String authservId;
    private final Clock clock;
    private final boolean enabled;
    private final Map<String, CachedKeys> keys = new ConcurrentHashMap<>();
    private final Map<DkimKeyRecord, DkimKey> decodedKeys = new ConcurrentHashMap<>();
    private final Map<String, String> signed = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > SIGNED_CACHE;
        }
    };

    private record CachedKeys(List<DkimKeyRecord> signing, Instant until) {}

    /** The stored message, opened again for each read. */
    public interface Source {
        InputStream open() throws IOException;
    }

    /**
     * @param enabled    {@code dkim.sign}; false gives "" for every message
     * @param hostname   {@code server.hostname}: whose keys sign our own messages when their From: domain has none
     * @param authservId our name in Authentication-Results ({@code auth.authserv_id}, shared by the MX hosts of a
     *                   cluster), by which the ARC sealer finds our own results in a forwarded message
     */
    public OutboundSigner(Directory directory, DkimRotation rotation, DkimSigner signer, ArcSealer sealer,
                          String hostname, String authservId, Clock clock, boolean enabled) {
        this.directory = directory;
        this.rotation = rotation;
        this.signer = signer;
        this.sealer = sealer;
        this.hostname = hostname.toLowerCase(Locale.ROOT);
        this.authservId = authservId.toLowerCase(Locale.ROOT);
        this.clock = clock;
        this.enabled = enabled;
    }

    /**
     * The fields to put in front of {@code message} (as sent: without our Return-Path line), each ending in CRLF;
     * "" when it is not ours to sign or seal.
     */
    public String fieldsFor(MailQueue.Entry entry, Source message) {
        if (!enabled) return "";
        synchronized (signed) {
            String known = signed.get(entry.blobId());
            if (known != null) return known;
        }
        String fields;
        try {
            fields = compute(entry, message);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // Not kept: the next try (or the next domain's copy) signs again, say once the store is back.
            log.warn("queue id={} sent unsigned: {}", entry.id(), e.toString());
            return "";
        }
        synchronized (signed) {
            signed.put(entry.blobId(), fields);
        }
        return fields;
    }

    /** Where a message comes from, read from its header section; it decides what we may vouch for. */
    enum Origin {
        /** Our first Received field says a user authenticated here (RFC 3848: ESMTPA, ESMTPSA, UTF8SMTPSA...). */
        SUBMITTED,
        /** No Received field at all: we wrote it (a bounce, a delivery notice). */
        GENERATED,
        /** Anything else came from another server: we sign none of it, even with a From: of ours (a forgery). */
        RECEIVED
    }

    private String compute(MailQueue.Entry entry, Source message) throws IOException, GeneralSecurityException {
        byte[] header = headerSection(message);
        String fromDomain = fromDomain(header);
        List<DkimKeyRecord> own = fromDomain == null ? List.of() : signingKeys(fromDomain);
        switch (origin(header)) {
            case SUBMITTED:
                return own.isEmpty() ? "" : dkim(message, own);
            case GENERATED:
                if (own.isEmpty()) own = hostKeys();
                return own.isEmpty() ? "" : dkim(message, own);
            default:
                if (!hasOurAuthenticationResults(header)) return "";
                DkimKeyRecord rsa = rsa(forwarderKeys(entry));
                if (rsa == null) return "";
                try (InputStream in = message.open()) {
                    return sealer.seal(in, decoded(rsa), authservId);
                }
        }
    }

    /**
     * From the first Received field, which is ours whenever there is one (our SMTP server puts it on top of
     * whatever came in): {@code by HOST (Mailroom) with ESMTPSA}.
     */
    Origin origin(byte[] header) {
        for (String field : fields(header)) {
            int colon = field.indexOf(':');
            if (colon < 0 || !field.substring(0, colon).trim().equalsIgnoreCase("Received")) continue;
            // Not compared with our host name: with several nodes on one database, the node that sends a message
            // from the queue is often not the one that accepted it.
            Matcher m = OUR_RECEIVED.matcher(field);
            return m.find() && m.group(2).matches("(?i)(ESMTP|UTF8SMTP)S?A") ? Origin.SUBMITTED : Origin.RECEIVED;
        }
        return Origin.GENERATED;
    }

    /** The header fields, unfolded, in order. */
    private static List<String> fields(byte[] header) {
        String text = new String(header, StandardCharsets.ISO_8859_1).replaceAll("\r?\n[ \t]", " ");
        List<String> out = new ArrayList<>();
        for (String line : text.split("\r?\n")) if (!line.isEmpty()) out.add(line);
        return out;
    }

    private String dkim(Source message, List<DkimKeyRecord> records) throws IOException, GeneralSecurityException {
        List<DkimKey> keys = new ArrayList<>();
        for (DkimKeyRecord r : records) keys.add(decoded(r));
        try (InputStream in = message.open()) {
            return signer.sign(in, keys);
        }
    }

    /** The domain of the alias a forwarded copy was addressed to (its ORCPT), else the host name's. */
    private List<DkimKeyRecord> forwarderKeys(MailQueue.Entry entry) throws IOException {
        for (var d : entry.dsn().recipients().values()) {
            String orcpt = d.orcpt();
            if (orcpt == null) continue;
            int semi = orcpt.indexOf(';');
            try {
                String domain = MailAddress.parse(orcpt.substring(semi + 1).trim()).domain();
                List<DkimKeyRecord> found = signingKeys(domain);
                if (!found.isEmpty()) return found;
            } catch (IllegalArgumentException notAnAddress) {
                // an ORCPT of another type: try the next
            }
        }
        return hostKeys();
    }

    /** The keys of the host name, or of its nearest parent with keys. */
    private List<DkimKeyRecord> hostKeys() throws IOException {
        String name = hostname;
        while (name.indexOf('.') > 0) {
            List<DkimKeyRecord> found = signingKeys(name);
            if (!found.isEmpty()) return found;
            name = name.substring(name.indexOf('.') + 1);
        }
        return List.of();
    }

    private static DkimKeyRecord rsa(List<DkimKeyRecord> keys) {
        for (DkimKeyRecord k : keys) if (k.algorithm().equals(DkimKeyRecord.RSA_SHA256)) return k;
        return null;
    }

    /** The JDK key of a record; decoding PKCS#8 costs a quarter of a millisecond, so it is done once per key. */
    private DkimKey decoded(DkimKeyRecord record) throws GeneralSecurityException {
        DkimKey known = decodedKeys.get(record);
        if (known != null) return known;
        DkimKey key = KeyMaterial.signingKey(record);
        if (decodedKeys.size() > 1000) decodedKeys.clear();
        decodedKeys.put(record, key);
        return key;
    }

    /** The ACTIVE keys of a domain, from a cache of {@link #KEYS_TTL}. */
    List<DkimKeyRecord> signingKeys(String domain) throws IOException {
        Instant now = clock.instant();
        CachedKeys cached = keys.get(domain);
        if (cached != null && now.isBefore(cached.until())) return cached.signing();
        List<DkimKeyRecord> signing = directory.isLocalDomain(domain)
                ? DkimRotation.signing(rotation.advance(domain, now)) : List.of();
        if (keys.size() > 10_000) keys.clear(); // From: domains of forwarded mail are not bounded
        keys.put(domain, new CachedKeys(signing, now.plus(KEYS_TTL)));
        return signing;
    }

    private static byte[] headerSection(Source message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Read octet by octet to stop at the blank line: buffered, or a file blob costs a system call per octet.
        try (InputStream in = new java.io.BufferedInputStream(message.open(), 8192)) {
            int b;
            int last3 = 0;
            while (out.size() < HEADER_MAX && (b = in.read()) >= 0) {
                out.write(b);
                last3 = (last3 << 8 | b) & 0xFFFFFF;
                // CRLF CRLF ends the header section; so does LF LF in a stored message without CRs.
                if ((last3 & 0xFFFF) == 0x0A0A || (out.size() >= 4 && last3 == 0x0A0D0A)) break;
            }
        }
        return out.toByteArray();
    }

    /** The domain of the (first) From: address, lower case; null when there is none. */
    static String fromDomain(byte[] header) {
        List<Address> from = MessageStructure.parse(header).headers().from();
        if (from.isEmpty() || from.get(0).host().isEmpty()) return null;
        return from.get(0).host().toLowerCase(Locale.ROOT);
    }

    /** An Authentication-Results field with our host name as authserv-id (RFC 8601 section 2.2). */
    boolean hasOurAuthenticationResults(byte[] header) {
        for (String field : fields(header)) {
            int colon = field.indexOf(':');
            if (colon < 0 || !field.substring(0, colon).trim().equalsIgnoreCase("Authentication-Results")) continue;
            if (authservId.equalsIgnoreCase(AuthenticationResults.authservId(field.substring(colon + 1)))) return true;
        }
        return false;
    }

    // ---- the stored message begins with our Return-Path line (SmtpSession adds it; WireFormat drops it) ----

    /** The stored message as it is sent: without a leading Return-Path line. */
    public static InputStream withoutReturnPath(InputStream stored) throws IOException {
        java.io.BufferedInputStream in = new java.io.BufferedInputStream(stored);
        in.mark(RETURN_PATH.length());
        byte[] head = in.readNBytes(RETURN_PATH.length());
        if (new String(head, StandardCharsets.US_ASCII).equalsIgnoreCase(RETURN_PATH)) {
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                // the rest of the line
            }
        } else {
            in.reset();
        }
        return in;
    }

    /**
     * The stored message with {@code fields} inserted after its Return-Path line (or at its start without one), so
     * that the wire format still finds and drops that line and the fields lead the message sent.
     */
    public static InputStream withFields(InputStream stored, byte[] fields) throws IOException {
        java.io.BufferedInputStream in = new java.io.BufferedInputStream(stored);
        in.mark(1000);
        byte[] head = in.readNBytes(RETURN_PATH.length());
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        if (new String(head, StandardCharsets.US_ASCII).equalsIgnoreCase(RETURN_PATH)) {
            first.write(head);
            int b;
            while ((b = in.read()) >= 0) {
                first.write(b);
                if (b == '\n') break;
            }
        } else {
            in.reset();
        }
        first.write(fields);
        return new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(first.toByteArray()), in);
    }

    private static final String RETURN_PATH = "Return-Path:";
}

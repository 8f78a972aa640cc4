package org.mailroom.delivery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailQueue;
import org.mailroom.delivery.signing.OutboundSigner;
import org.mailroom.delivery.tls.TransportSecurity;
import org.mailroom.protocol.smtp.client.OutboundMessage;
import org.mailroom.protocol.smtp.client.SmtpClient;
import org.mailroom.protocol.smtp.client.SmtpClientException;
import org.mailroom.protocol.smtp.client.SmtpConnection;
import org.mailroom.protocol.smtp.client.SmtpReply;
import org.mailroom.protocol.smtp.client.WireFormat;

/**
 * Delivers one queued message to the recipients of one domain in one SMTP transaction, trying the
 * domain's MX hosts and their addresses in order until one answers (RFC 5321 section 5.1), and says what
 * became of each recipient.
 *
 * <p>Which failure tries the next host: no connection, no or a negative greeting or EHLO, a 421, a broken
 * connection before the message was sent. Which does not: a reply to MAIL, RCPT or the message itself,
 * since that server has spoken for the domain. A connection lost after the message was sent is a temporary
 * failure: the server may have it already, and sending it twice is better than losing it.
 */
public final class RemoteDelivery {

    public enum Result { DELIVERED, TEMPORARY, PERMANENT }

    /**
     * One recipient's fate.
     *
     * @param status     RFC 3463 code ("2.0.0", "5.1.1", "4.4.1")
     * @param diagnostic the remote reply ("550 5.1.1 no such user") or our own reason
     * @param remoteMta  the host that answered, or null
     */
    public record RecipientOutcome(String address, Result result, String status, String diagnostic, String remoteMta,
                                   boolean remoteDsn) {}

    /** The outcomes of one domain and the attempt's record for the history. */
    public record DomainResult(List<RecipientOutcome> outcomes, MailQueue.Attempt attempt) {}

    private final MxResolver mx;
    private final SmtpClient client;
    private final BlobStore blobs;
    private final Clock clock;
    private final ConnectionCache connections;
    private final RelayLogin relayLogin;
    private volatile OutboundSigner signer;
    private volatile TransportSecurity security;

    /** The user and password a smart host (outbound.relay_host) wants; sent with AUTH PLAIN, under TLS only. */
    public record RelayLogin(String user, char[] password) {}

    public RemoteDelivery(MxResolver mx, SmtpClient client, BlobStore blobs, Clock clock) {
        this(mx, client, blobs, clock, ConnectionCache.Limits.DEFAULT, null);
    }

    /** @param relayLogin credentials for the smart host, or null to send without AUTH */
    public RemoteDelivery(MxResolver mx, SmtpClient client, BlobStore blobs, Clock clock,
                          ConnectionCache.Limits reuse, RelayLogin relayLogin) {
        this.relayLogin = relayLogin;
        this.connections = new ConnectionCache(reuse);
        this.mx = mx;
        this.client = client;
        this.blobs = blobs;
        this.clock = clock;
    }

    /** DKIM-signs (or ARC-seals) every message from now on; without it messages leave as stored. */
    public void signWith(OutboundSigner signer) {
        this.signer = signer;
    }

    /**
     * MTA-STS and DANE for each destination domain (not for a smart host, which is not the domain's MX).
     * Null (the default) for {@code outbound.tls} alone.
     */
    public void secureTransportWith(TransportSecurity security) {
        this.security = security;
    }

    public DomainResult deliver(MailQueue.Entry entry, String domain, List<String> recipients) {
        java.time.Instant started = clock.instant();
        List<String> log = new ArrayList<>();
        MxResolver.Route route = mx.resolve(domain);
        if (route.kind() != MxResolver.Kind.ROUTE) {
            Result r = route.kind() == MxResolver.Kind.PERMANENT_FAILURE ? Result.PERMANENT : Result.TEMPORARY;
            return finish(started, domain, route, null, "none", log,
                    all(recipients, r, route.status(), route.diagnostic(), null, false), route.diagnostic());
        }
        OutboundMessage message;
        try {
            message = message(entry, recipients);
        } catch (IOException e) {
            return finish(started, domain, route, null, "none", log,
                    all(recipients, Result.TEMPORARY, "4.3.0", "cannot read the queued message: " + e.getMessage(),
                            null, false), "local error");
        }
        TransportSecurity.DomainPolicy policy = security == null ? null : security.forDomain(domain, log);
        String key = cacheKey(route) + (policy == null ? "" : policy.cacheTag());
        for (ConnectionCache.Kept k = connections.take(key); k != null; k = connections.take(key)) {
            Attempted a = reuse(k, message, recipients, log);
            if (a != null) return finish(started, domain, route, k.hostName() + " (reused)", k.tls(), log, a.outcomes, a.summary);
        }
        String lastHost = null;
        String tls = "none";
        String lastError = "no MX host could be reached";
        String lastStatus = "4.4.1";
        for (MxResolver.Host host : route.hosts()) {
            TransportSecurity.HostPolicy rule = policy == null ? null : policy.forHost(host.name(), log);
            if (rule != null && rule.refusal() != null) {
                // A temporary failure: the policy may change, or another MX may qualify next time.
                log.add("skip " + host.name() + ": " + rule.refusal());
                lastHost = host.name();
                lastError = rule.refusal();
                lastStatus = "4.7.5";
                continue;
            }
            for (InetSocketAddress address : host.addresses()) {
                lastHost = host.name() + "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
                boolean plainText = client.settings().tls() == SmtpClient.TlsPolicy.NONE
                        && (rule == null || !rule.tlsRequired());
                for (int pass = 0; pass < 2; pass++) {
                    Session session = new Session(host.name(), address, plainText, log, key, rule);
                    Attempted a = session.run(message, recipients);
                    tls = session.tls;
                    if (a.outcomes != null) {
                        return finish(started, domain, route, lastHost, tls, log, a.outcomes, a.summary);
                    }
                    lastError = a.summary;
                    lastStatus = a.status;
                    if (!a.retryInPlainText) break;
                    plainText = true; // RFC 7435: opportunistic TLS that fails falls back to plain text
                }
            }
        }
        return finish(started, domain, route, lastHost, tls, log,
                all(recipients, Result.TEMPORARY, lastStatus, lastError, null, false), lastError);
    }

    /** What one connection achieved: outcomes when a server spoke for the domain, else why not. */
    private static final class Attempted {
        List<RecipientOutcome> outcomes;
        String summary;
        String status = "4.4.1";
        boolean retryInPlainText;
    }

    /** One connection to one address. */
    private final class Session {
        final String hostName;
        final InetSocketAddress address;
        final boolean plainText;
        final List<String> log;
        final String key;
        /** MTA-STS or DANE for this host, or null. */
        final TransportSecurity.HostPolicy rule;
        String tls = "none";

        Session(String hostName, InetSocketAddress address, boolean plainText, List<String> log, String key,
                TransportSecurity.HostPolicy rule) {
            this.rule = rule;
            this.hostName = hostName;
            this.address = address;
            this.plainText = plainText;
            this.log = log;
            this.key = key;
        }

        Attempted run(OutboundMessage message, List<String> recipients) {
            Attempted a = new Attempted();
            String where = hostName + "[" + address.getAddress().getHostAddress() + "]:" + address.getPort();
            log.add("connect " + where + (plainText ? " (plain text)" : ""));
            SmtpConnection c;
            try {
                c = client.connect(address, hostName);
            } catch (SmtpClientException e) {
                log.add("  " + e.getMessage());
                a.summary = e.getMessage();
                return a;
            }
            boolean kept = false;
            try {
                SmtpReply greeting = c.greeting();
                if (!greeting.isPositive()) return skip(a, c, where + " greeted with " + greeting);
                SmtpReply hello = c.hello();
                if (!hello.isPositive()) return skip(a, c, where + " refused EHLO/HELO: " + hello);
                String ip = address.getAddress().getHostAddress();
                if (!plainText && c.capabilities().startTls()) {
                    try {
                        SmtpReply ready = c.startTls(certificateCheck(rule));
                        if (ready.code() == 220) {
                            tls = c.tlsDescription();
                            if (rule != null) rule.succeeded(hostName, ip);
                            hello = c.hello();
                            if (!hello.isPositive()) return skip(a, c, where + " refused EHLO after STARTTLS: " + hello);
                        } else {
                            tls = "none: STARTTLS refused (" + ready + ")";
                        }
                    } catch (SmtpClientException e) {
                        if (e.kind() != SmtpClientException.Kind.TLS && e.kind() != SmtpClientException.Kind.TIMEOUT) throw e;
                        a.retryInPlainText = client.settings().tls() == SmtpClient.TlsPolicy.OPPORTUNISTIC
                                && (rule == null || !rule.tlsRequired());
                        tls = "none: " + e.getMessage() + (a.retryInPlainText ? "; retrying in plain text" : "");
                        if (!a.retryInPlainText) a.status = "4.7.5"; // cryptographic failure (RFC 3463)
                        if (rule != null && rule.check() != null && rule.check().enforcing()
                                && rule.check().failureType() != null) {
                            String why = rule.check().failureType() + ": " + rule.check().failure();
                            rule.failed(rule.check().failureType(), hostName, ip, rule.check().failure());
                            return skip(a, c, where + ": certificate refused under the domain's "
                                    + (rule.policyType().equals("tlsa") ? "DANE TLSA records" : "MTA-STS policy")
                                    + " (" + why + ")");
                        }
                        if (rule != null) rule.failed("validation-failure", hostName, ip, e.getMessage());
                        return skip(a, c, where + ": " + e.getMessage());
                    }
                } else {
                    tls = plainText && client.settings().tls() != SmtpClient.TlsPolicy.NONE
                            ? "none: plain text after a failed TLS handshake" : "none: STARTTLS not offered";
                }
                if (rule != null && !plainText && !c.isTls()) {
                    rule.failed("starttls-not-supported", hostName, ip, tls);
                }
                if (rule != null && rule.tlsRequired() && !c.isTls()) {
                    a.status = "4.7.10";
                    return skip(a, c, where + " offers no STARTTLS, which the domain's "
                            + (rule.policyType().equals("tlsa") ? "DANE TLSA records require"
                            : "MTA-STS policy (mode enforce) requires"));
                }
                if (requiresTls() && !c.isTls()) {
                    a.status = "4.7.10"; // encryption needed (enhanced status code registry, RFC 5248)
                    return skip(a, c, where + " offers no STARTTLS, which outbound.tls = "
                            + client.settings().tls().name().toLowerCase(java.util.Locale.ROOT) + " requires");
                }
                if (relayLogin != null) {
                    // The password never crosses the network in clear, whatever outbound.tls says.
                    if (!c.isTls()) {
                        a.status = "4.7.10";
                        return skip(a, c, where + " offers no TLS, and the relay password is sent only under TLS");
                    }
                    SmtpReply auth = c.authenticate(relayLogin.user(), relayLogin.password());
                    if (auth.code() != 235) {
                        a.status = "4.7.8"; // an operator's mistake, not the sender's: retried, never bounced at once
                        return skip(a, c, where + " refused our AUTH: " + auth);
                    }
                }
                Attempted done = transaction(c, where, message, recipients);
                if (done.outcomes == null) return skip(a, c, done.summary);
                log.addAll(indent(c.transcript()));
                c.clearTranscript();
                kept = connections.keep(key, new ConnectionCache.Kept(c, hostName, where, tls));
                return done;
            } catch (SmtpClientException e) {
                a.status = "4.4.2"; // bad connection (RFC 3463)
                return skip(a, c, where + ": " + e.getMessage());
            } finally {
                if (!kept) {
                    log.addAll(indent(c.transcript()));
                    if (c.isOpen()) c.quit();
                    c.close();
                }
            }
        }

        private Attempted skip(Attempted a, SmtpConnection c, String why) {
            a.summary = why;
            return a;
        }
    }

    /**
     * One transaction on an open connection, fresh or reused: outcomes when the server spoke for the
     * domain; none (and why) when it closed before, so the next host or a new connection is tried.
     */
    private Attempted transaction(SmtpConnection c, String where, OutboundMessage message, List<String> recipients) {
        Attempted a = new Attempted();
        try {
            SmtpConnection.Result result = c.send(message);
            if (result.mail().code() == 421) {
                a.summary = where + " closing: " + result.mail();
                return a;
            }
            a.outcomes = outcomes(recipients, result, c.hostName(), c.capabilities().dsn());
            a.summary = summary(a.outcomes);
            return a;
        } catch (IOException e) {
            if (c.messageMayHaveArrived()) {
                // The message was on its way: the server may have it. Retry later (maybe a duplicate).
                a.outcomes = all(recipients, Result.TEMPORARY, "4.4.2",
                        "connection to " + where + " lost after sending the message: " + e.getMessage(), c.hostName(),
                        false);
                a.summary = a.outcomes.get(0).diagnostic();
                return a;
            }
            a.status = "4.4.2"; // bad connection (RFC 3463)
            a.summary = where + ": " + e.getMessage();
            return a;
        }
    }

    /**
     * Tries a connection kept from an earlier message to the same hosts. No RSET first when the last
     * transaction ended with the reply to the message, which leaves the server in its initial state (RFC 5321
     * section 4.1.1.4): an RSET would cost a round trip per message ({@link SmtpConnection#send} still sends
     * one after a transaction cut short, say every RCPT refused). A server that closed the kept
     * connection meanwhile shows it in the reply to MAIL (a 421, or the connection's end) before any of the
     * message went out. Null when it is no use.
     */
    private Attempted reuse(ConnectionCache.Kept k, OutboundMessage message, List<String> recipients, List<String> log) {
        SmtpConnection c = k.connection();
        log.add("reuse " + k.where() + " (message " + (k.transactions() + 1) + " on this connection)");
        boolean kept = false;
        try {
            Attempted a = transaction(c, k.where(), message, recipients);
            if (a.outcomes == null) return null;
            log.addAll(indent(c.transcript()));
            c.clearTranscript();
            kept = connections.keep(k.key(), k);
            return a;
        } finally {
            if (!kept) {
                log.addAll(indent(c.transcript()));
                if (c.isOpen()) c.quit();
                c.close();
            }
        }
    }

    /**
     * The policy's certificate check, unless it only reports (MTA-STS testing) while outbound.tls = verify
     * asks for more: then the client's own verification stands.
     */
    private org.mailroom.protocol.smtp.client.CertificateCheck certificateCheck(TransportSecurity.HostPolicy rule) {
        if (rule == null || rule.check() == null) return null;
        if (!rule.check().enforcing() && client.settings().tls() == SmtpClient.TlsPolicy.VERIFY) return null;
        return rule.check();
    }

    private boolean requiresTls() {
        SmtpClient.TlsPolicy p = client.settings().tls();
        return p == SmtpClient.TlsPolicy.REQUIRED || p == SmtpClient.TlsPolicy.VERIFY;
    }

    /** Closes kept connections idle for too long; the queue runner calls it on every round. */
    public void closeIdleConnections() {
        connections.closeIdle();
    }

    /** QUIT on every kept connection. */
    public void closeConnections() {
        connections.close();
    }

    /** Destinations with the same hosts share kept connections (all domains, through a relay host). */
    private static String cacheKey(MxResolver.Route route) {
        StringBuilder key = new StringBuilder();
        for (MxResolver.Host h : route.hosts()) {
            key.append(h.name()).append(h.addresses()).append(';');
        }
        return key.toString();
    }

    private static List<String> indent(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) out.add("  " + l);
        return out;
    }

    private static List<RecipientOutcome> outcomes(List<String> recipients, SmtpConnection.Result result, String host,
                                                   boolean remoteDsn) {
        List<RecipientOutcome> out = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            SmtpReply reply = result.replyFor(i);
            Result r = reply.isPositive() ? Result.DELIVERED : reply.isTransient() ? Result.TEMPORARY : Result.PERMANENT;
            String status = reply.enhancedStatus();
            if (status == null) status = reply.isPositive() ? "2.0.0" : reply.isTransient() ? "4.0.0" : "5.0.0";
            out.add(new RecipientOutcome(recipients.get(i), r, status, reply.toString(), host, remoteDsn));
        }
        return out;
    }

    private static List<RecipientOutcome> all(List<String> recipients, Result r, String status, String diagnostic,
                                              String host, boolean remoteDsn) {
        List<RecipientOutcome> out = new ArrayList<>();
        for (String rcpt : recipients) out.add(new RecipientOutcome(rcpt, r, status, diagnostic, host, remoteDsn));
        return out;
    }

    private static String summary(List<RecipientOutcome> outcomes) {
        List<String> parts = new ArrayList<>();
        for (RecipientOutcome o : outcomes) parts.add(o.address() + ": " + o.result() + " " + o.diagnostic());
        return String.join("; ", parts);
    }

    private DomainResult finish(java.time.Instant started, String domain, MxResolver.Route route, String host,
                                String tls, List<String> log, List<RecipientOutcome> outcomes, String summary) {
        return new DomainResult(outcomes, new MailQueue.Attempt(started, domain, route.dns(), host, tls, log,
                summary == null ? summary(outcomes) : summary));
    }

    /**
     * Messages up to this size (most mail) are read from the store once, for the 8-bit scan and every try;
     * larger ones are scanned, then streamed from the store for each try, so they never sit whole in the heap.
     * At most one such copy per delivery thread.
     */
    private static final int READ_ONCE = 64 * 1024;

    private OutboundMessage message(MailQueue.Entry entry, List<String> recipients) throws IOException {
        byte[] head;
        boolean eightBit;
        try (InputStream in = blobs.open(entry.blobId())) {
            head = in.readNBytes(READ_ONCE + 1);
            eightBit = hasEightBit(head) || (head.length > READ_ONCE && WireFormat.hasEightBit(in));
        }
        boolean whole = head.length <= READ_ONCE;
        long size = whole ? head.length : blobs.size(entry.blobId());
        OutboundMessage.Content content = whole ? () -> new ByteArrayInputStream(head) : () -> blobs.open(entry.blobId());
        // DKIM-Signature (or ARC) fields go in front on the wire; the blob stays as it is. Signed once per blob.
        OutboundSigner sign = signer;
        OutboundMessage.Content stored = content;
        String fields = sign == null ? "" : sign.fieldsFor(entry, () -> OutboundSigner.withoutReturnPath(stored.open()));
        if (!fields.isEmpty()) {
            byte[] prefix = fields.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            content = () -> OutboundSigner.withFields(stored.open(), prefix);
            size += prefix.length;
        }
        boolean utf8 = entry.sender() != null && needsUtf8(entry.sender());
        List<OutboundMessage.Recipient> rcpts = new ArrayList<>();
        Dsn dsn = entry.dsn();
        for (String r : recipients) {
            utf8 |= needsUtf8(r);
            Dsn.RecipientDsn d = dsn.recipients().get(canonical(r));
            String notify = null;
            if (d != null && d.notifyOn() != null) {
                notify = d.notifyOn().isEmpty() ? "NEVER" : String.join(",",
                        d.notifyOn().stream().map(Enum::name).sorted().toList());
            }
            rcpts.add(new OutboundMessage.Recipient(r, notify, d == null ? null : d.orcpt()));
        }
        return new OutboundMessage(entry.sender(), rcpts, size, eightBit, utf8, dsn.envid(),
                dsn.ret() == null ? null : dsn.ret().name(), content);
    }

    /** The head is in memory already: scanned in place rather than through a stream and its 64 KiB buffer. */
    private static boolean hasEightBit(byte[] head) {
        for (byte b : head) if (b < 0) return true;
        return false;
    }

    private static boolean needsUtf8(String address) {
        for (int i = 0; i < address.length(); i++) if (address.charAt(i) >= 0x80) return true;
        return false;
    }

    static String canonical(String address) {
        try {
            return MailAddress.parse(address).canonical();
        } catch (IllegalArgumentException e) {
            return address.toLowerCase(java.util.Locale.ROOT);
        }
    }
}

package org.mailroom.mailauth;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.IDN;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mailroom.core.auth.TrustedNetworks;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.core.mime.Address;
import org.mailroom.core.mime.MessageStructure;
import org.mailroom.mailauth.arc.ArcVerdict;
import org.mailroom.mailauth.arc.ArcVerifier;
import org.mailroom.mailauth.dkim.DkimVerdict;
import org.mailroom.mailauth.dkim.DkimVerifier;
import org.mailroom.mailauth.dmarc.DmarcEvaluator;
import org.mailroom.mailauth.dmarc.DmarcVerdict;
import org.mailroom.mailauth.spf.SpfEvaluator;
import org.mailroom.mailauth.spf.SpfVerdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything we check of a message received from another MTA on port 25, in one call at the end of its data:
 * SPF, DKIM, ARC, then DMARC over them. Says what to do with the message and writes the one
 * Authentication-Results header field (RFC 8601) that goes on top of it.
 *
 * <p>Reading: the header section is read first (capped at {@link #HEADER_CAP}); DKIM then reads the whole message
 * through a stream that puts those bytes back in front. Only a message with ARC fields is needed twice: given a
 * stream, the rest is spooled (1 MiB in memory, then a temporary file); given a {@link MessageSource}, it is
 * opened again. A message without DKIM-Signature or ARC fields is not read past its header (and a buffer).
 *
 * <p>Decisions, in this order (the first that applies):
 * <ol>
 *   <li>DMARC fail with disposition reject: REJECT {@code 550 5.7.1} when {@code dmarcReject}, else QUARANTINE;
 *       disposition quarantine: QUARANTINE (delivered to Junk).</li>
 *   <li>SPF fail and {@code spfReject}, unless DMARC passed: REJECT {@code 550 5.7.23} (RFC 7372).</li>
 *   <li>Any temperror (SPF, DKIM, DMARC) and {@code tempfailOnDnsError}: TEMPFAIL {@code 451 4.7.0}.</li>
 *   <li>Else ACCEPT.</li>
 * </ol>
 * ARC is verified and recorded but never overrides a DMARC failure: an ARC pass only proves who sealed the chain,
 * and anyone can seal a forgery; an override (RFC 7489 section 7.2, local policy) needs a list of trusted
 * sealers, which {@link ArcVerdict} does not name yet.
 *
 * <p>From (RFC 7489 section 6.6.1): the author domains are those of every address in every From field. One
 * domain is the usual case. Several (several addresses or several From fields, which RFC 5322 forbids) are each
 * evaluated, at most {@link #MAX_FROM_DOMAINS}, and the strictest verdict is applied, so a second address cannot
 * dilute a forged first one. No From domain at all: dmarc=none (there is no author domain to protect).
 */
public final class InboundAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(InboundAuthenticator.class);

    /** The most header bytes held; a header section beyond it is read on by DKIM but not parsed by us. */
    static final int HEADER_CAP = 1 << 20;
    static final int MAX_FROM_DOMAINS = 5;

    /**
     * @param authservId      our authserv-id in Authentication-Results: the host name
     * @param dmarcReject     honour {@code p=reject} with 550 5.7.1 (else such mail goes to Junk)
     * @param spfReject       refuse mail whose SPF result is fail even without DMARC (off by default: forwarding breaks SPF)
     * @param tempfailOnDnsError answer 451 4.7.0 when a DNS look-up failed (else accept with temperror noted)
     * @param unenforced      clients whose mail is checked and annotated but never refused, quarantined or deferred:
     *                        programs on this machine (cron, a web application) sending with a From: of ours
     *                        through port 25, which no SPF record lists and no DKIM key signs
     */
    public record Settings(String authservId, boolean dmarcReject, boolean spfReject, boolean tempfailOnDnsError,
                           TrustedNetworks unenforced) {

        /** Enforced for every client. */
        public Settings(String authservId, boolean dmarcReject, boolean spfReject, boolean tempfailOnDnsError) {
            this(authservId, dmarcReject, spfReject, tempfailOnDnsError, TrustedNetworks.none());
        }
    }

    /** The SMTP facts of one message: the client's address, its EHLO name, the reverse path ("" for {@code <>}). */
    public record Inbound(InetAddress client, String helo, String mailFrom) {}

    public enum Action { ACCEPT, QUARANTINE, REJECT, TEMPFAIL }

    /**
     * @param action  what to do with the message
     * @param header  the complete Authentication-Results header field, folded, ending in CRLF
     * @param reply   for REJECT and TEMPFAIL the SMTP reply ("550 5.7.1 ..." / "451 4.7.0 ..."), else null
     * @param summary one line for the log: {@code spf=pass dkim=pass dmarc=pass arc=none}
     */
    public record Verdict(Action action, String header, String reply, String summary) {}

    /** The DKIM verifier's job, as a function so tests can give verdicts without signed mail. */
    @FunctionalInterface
    interface DkimCheck {
        List<DkimVerdict> verify(InputStream message) throws IOException;
    }

    @FunctionalInterface
    interface ArcCheck {
        ArcVerdict verify(InputStream message) throws IOException;
    }

    private final Settings settings;
    private final SpfEvaluator spf;
    private final DmarcEvaluator dmarc;
    private final DkimCheck dkim;
    private final ArcCheck arc;

    public InboundAuthenticator(DnsResolver dns, Settings settings, Clock clock) {
        this(settings, new SpfEvaluator(dns, clock, SpfEvaluator.DEFAULT_BUDGET, SpfEvaluator.DEFAULT_EXPLANATION,
                        settings.authservId()), new DmarcEvaluator(dns),
                new DkimVerifier(dns, clock)::verify, new ArcVerifier(dns, clock)::verify);
    }

    InboundAuthenticator(Settings settings, SpfEvaluator spf, DmarcEvaluator dmarc, DkimCheck dkim, ArcCheck arc) {
        this.settings = settings;
        this.spf = spf;
        this.dmarc = dmarc;
        this.dkim = dkim;
        this.arc = arc;
    }

    /**
     * Checks one message as the client sent it (without our Received line).
     *
     * @param message the message bytes, read once
     */
    public Verdict check(Inbound inbound, InputStream message) throws IOException {
        InputStream buffered = new BufferedInputStream(message, 16384); // the header is read a byte at a time
        HeaderSection header = HeaderSection.read(buffered, HEADER_CAP);
        InputStream rest = new FilterInputStream(buffered) {
            @Override
            public void close() {
                // the caller's stream: the caller closes it
            }
        };
        if (!hasArc(header)) {
            return check(inbound, header, () -> new SequenceInputStream(new ByteArrayInputStream(header.bytes()), rest), null);
        }
        try (Spool spool = Spool.of(header.bytes(), rest)) {
            return check(inbound, header, spool, spool);
        }
    }

    /**
     * Checks one message that can be opened again (the blob it was spooled to): the header is read from one
     * opening, which DKIM then reads on; ARC, when the message has ARC fields, opens it once more.
     */
    public Verdict check(Inbound inbound, MessageSource message) throws IOException {
        try (InputStream in = new BufferedInputStream(message.open(), 16384)) {
            HeaderSection header = HeaderSection.read(in, HEADER_CAP);
            return check(inbound, header, () -> new SequenceInputStream(new ByteArrayInputStream(header.bytes()), in), message);
        }
    }

    private Verdict check(Inbound inbound, HeaderSection header, MessageSource forDkim, MessageSource forArc)
            throws IOException {
        SpfVerdict spfVerdict = spf.check(inbound.client(), inbound.helo() == null ? "" : inbound.helo(),
                inbound.mailFrom() == null ? "" : inbound.mailFrom());
        List<DkimVerdict> dkimVerdicts = header.has("DKIM-Signature") ? verifyDkim(forDkim) : List.of();
        ArcVerdict arcVerdict = hasArc(header) && forArc != null ? verifyArc(forArc)
                : new ArcVerdict(ArcVerdict.Result.NONE, 0, "no ARC sets");

        List<DmarcVerdict> dmarcVerdicts = new ArrayList<>();
        for (String domain : fromDomains(header)) dmarcVerdicts.add(dmarc.evaluate(domain, spfVerdict, dkimVerdicts));
        DmarcVerdict applied = strictest(dmarcVerdicts);

        AuthenticationResults ar = new AuthenticationResults(settings.authservId()).spf(spfVerdict).dkim(dkimVerdicts);
        if (dmarcVerdicts.isEmpty()) ar.add("dmarc", "none", "no From domain");
        for (DmarcVerdict d : dmarcVerdicts) ar.dmarc(d);
        ar.arc(arcVerdict);

        Action action = Action.ACCEPT;
        String reply = null;
        boolean temporary = spfVerdict.result() == SpfVerdict.Result.TEMPERROR
                || applied.result() == DmarcVerdict.Result.TEMPERROR
                || dkimVerdicts.stream().anyMatch(v -> v.result() == DkimVerdict.Result.TEMPERROR);
        if (applied.result() == DmarcVerdict.Result.FAIL && applied.disposition() == DmarcVerdict.Policy.REJECT
                && settings.dmarcReject()) {
            action = Action.REJECT;
            reply = "550 5.7.1 Email rejected per DMARC policy for " + applied.policyDomain();
        } else if (applied.result() == DmarcVerdict.Result.FAIL && applied.disposition() != DmarcVerdict.Policy.NONE) {
            action = Action.QUARANTINE;
        } else if (spfVerdict.result() == SpfVerdict.Result.FAIL && settings.spfReject()
                && applied.result() != DmarcVerdict.Result.PASS) {
            action = Action.REJECT;
            reply = "550 5.7.23 SPF validation failed: " + printable(spfVerdict.explanation());
        } else if (temporary && settings.tempfailOnDnsError()) {
            action = Action.TEMPFAIL;
            reply = "451 4.7.0 Temporary DNS failure while checking the sender, try again later";
        }

        String exempt = "";
        if (action != Action.ACCEPT && settings.unenforced().contains(inbound.client())) {
            exempt = " (" + lower(action) + " not enforced: trusted network)";
            action = Action.ACCEPT;
            reply = null;
        }

        String summary = "spf=" + lower(spfVerdict.result()) + " dkim=" + dkimSummary(dkimVerdicts)
                + " dmarc=" + lower(applied.result()) + (applied.fromDomain().isEmpty() ? "" : "(" + applied.fromDomain()
                + " p=" + lower(applied.policy()) + " dis=" + lower(applied.disposition()) + ")")
                + " arc=" + lower(arcVerdict.result()) + " action=" + lower(action) + exempt;
        return new Verdict(action, ar.header(), reply, summary);
    }

    private List<DkimVerdict> verifyDkim(MessageSource source) throws IOException {
        try (InputStream in = source.open()) {
            return dkim.verify(in);
        } catch (RuntimeException e) {
            // a verifier bug must not lose the message: recorded as temperror, never a rejection
            log.warn("DKIM verification failed unexpectedly", e);
            return List.of(new DkimVerdict(DkimVerdict.Result.TEMPERROR, "", "", "", "", "verifier error"));
        }
    }

    private ArcVerdict verifyArc(MessageSource source) throws IOException {
        try (InputStream in = source.open()) {
            return arc.verify(in);
        } catch (RuntimeException e) {
            log.warn("ARC verification failed unexpectedly", e);
            return new ArcVerdict(ArcVerdict.Result.NONE, 0, "verifier error");
        }
    }

    private static boolean hasArc(HeaderSection header) {
        return header.has("ARC-Seal") || header.has("ARC-Message-Signature") || header.has("ARC-Authentication-Results");
    }

    /** Every distinct domain of every From address, in order, at most {@link #MAX_FROM_DOMAINS}. */
    static List<String> fromDomains(HeaderSection header) {
        Set<String> out = new LinkedHashSet<>();
        for (String value : header.values("From")) {
            // core's lenient RFC 5322 address parser, reached through a one-field message
            byte[] one = ("From:" + value + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
            for (Address a : MessageStructure.parse(one).headers().from()) {
                String host = ascii(a.host()).toLowerCase(Locale.ROOT);
                if (host.endsWith(".")) host = host.substring(0, host.length() - 1);
                if (!host.isEmpty() && out.size() < MAX_FROM_DOMAINS) out.add(host);
            }
        }
        return new ArrayList<>(out);
    }

    /** A From domain in A-label form (EAI mail may write U-labels), as DKIM's d= and DNS have it. */
    private static String ascii(String host) {
        if (host.chars().allMatch(c -> c < 0x80)) return host;
        try {
            return IDN.toASCII(host);
        } catch (IllegalArgumentException e) {
            return host;
        }
    }

    /** The verdict to act on: a fail with the harshest disposition first, then temperror, permerror, pass, none. */
    private static DmarcVerdict strictest(List<DmarcVerdict> verdicts) {
        DmarcVerdict best = new DmarcVerdict(DmarcVerdict.Result.NONE, "", "", DmarcVerdict.Policy.NONE,
                DmarcVerdict.Policy.NONE, "no From domain");
        for (DmarcVerdict v : verdicts) if (rank(v) > rank(best)) best = v;
        return best;
    }

    private static int rank(DmarcVerdict v) {
        return switch (v.result()) {
            case FAIL -> 4 + v.disposition().ordinal();
            case TEMPERROR -> 3;
            case PERMERROR -> 2;
            case PASS -> 1;
            case NONE -> 0;
        };
    }

    private static String dkimSummary(List<DkimVerdict> verdicts) {
        if (verdicts.isEmpty()) return "none";
        StringBuilder sb = new StringBuilder();
        for (DkimVerdict v : verdicts) {
            if (sb.length() > 0) sb.append(',');
            sb.append(lower(v.result()));
            if (!v.domain().isEmpty()) sb.append('(').append(v.domain()).append(')');
        }
        return sb.toString();
    }

    /** Reply text from DNS data: printable ASCII only, one line, not too long. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < s.length() && sb.length() < 200; k++) {
            char c = s.charAt(k);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether an incoming Authentication-Results header field (its value, after the colon) claims our authserv-id:
     * such a field was forged or left by a previous hop under our name, and is removed (RFC 8601 section 5).
     */
    public boolean claimsOurId(String headerValue) {
        String id = AuthenticationResults.authservId(headerValue);
        return id != null && id.equalsIgnoreCase(settings.authservId());
    }
}

package org.mailroom.mailauth;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import org.mailroom.core.dns.DnsResolver;

/**
 * Everything we check of a message received from another MTA on port 25, in one call at the end of its data:
 * SPF, DKIM, ARC, then DMARC over them. Says what to do with the message and writes the one
 * Authentication-Results header field (RFC 8601) that goes on top of it.
 */
public final class InboundAuthenticator {

    /**
     * @param authservId      our authserv-id in Authentication-Results: the host name
     * @param dmarcReject     honour {@code p=reject} with 550 5.7.1 (else such mail goes to Junk)
     * @param spfReject       refuse mail whose SPF result is fail even without DMARC (off by default: forwarding breaks SPF)
     * @param tempfailOnDnsError answer 451 4.7.0 when a DNS look-up failed (else accept with temperror noted)
     */
    public record Settings(String authservId, boolean dmarcReject, boolean spfReject, boolean tempfailOnDnsError) {}

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

    private final DnsResolver dns;
    private final Settings settings;
    private final Clock clock;

    public InboundAuthenticator(DnsResolver dns, Settings settings, Clock clock) {
        this.dns = dns;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Checks one message as the client sent it (without our Received line).
     *
     * @param message the message bytes, read once
     */
    public Verdict check(Inbound inbound, InputStream message) throws IOException {
        throw new UnsupportedOperationException("InboundAuthenticator: being written");
    }

    /**
     * Whether an incoming Authentication-Results header field (its value, after the colon) claims our authserv-id:
     * such a field was forged or left by a previous hop under our name, and is removed (RFC 8601 section 5).
     */
    public boolean claimsOurId(String headerValue) {
        throw new UnsupportedOperationException("InboundAuthenticator: being written");
    }
}

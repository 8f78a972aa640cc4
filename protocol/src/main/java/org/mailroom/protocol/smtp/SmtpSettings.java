package org.mailroom.protocol.smtp;

import java.time.Duration;

/**
 * What one SMTP listener allows. The defaults follow RFC 5321 section 4.5.3 (sizes) and 4.5.3.2
 * (timeouts) and Postfix's long-standing choices where the RFC leaves room.
 *
 * @param hostname           our name in the greeting, EHLO reply and Received headers
 * @param maxMessageSize     octets; announced with SIZE (RFC 1870)
 * @param maxRecipients      per message; RFC 5321 section 4.5.3.1.8 requires at least 100
 * @param commandLineLimit   octets with CRLF; 512 in section 4.5.3.1.4
 * @param textLineLimit      octets with CRLF; 1000 in section 4.5.3.1.6
 * @param commandTimeout     how long we wait for the next command or data line (section 4.5.3.2.7: 5 min)
 * @param sessionTimeout     the longest a whole session may last
 * @param maxErrors          protocol errors in one session before we answer 421 and close
 * @param errorDelay         after half of {@code maxErrors}, each error reply waits this long (slows down
 *                           address harvesting and broken clients, as Postfix's smtpd_error_sleep_time)
 * @param greetingDelay      wait before the 220 greeting; a client that talks first is refused (554 5.5.0),
 *                           since real MTAs wait for the greeting and spam engines often do not
 * @param maxConnections     sessions at once on this listener
 * @param maxConnectionsPerIp sessions at once from one client address
 * @param maxReceivedHeaders more Received headers than this is a mail loop (RFC 5321 section 6.3)
 * @param normalizeBareLineEndings store bare CR and LF in message text as CRLF instead of refusing the message
 * @param mayRelay           whether recipients in other domains are accepted (never on port 25)
 */
public record SmtpSettings(String hostname, long maxMessageSize, int maxRecipients, int commandLineLimit,
                           int textLineLimit, Duration commandTimeout, Duration sessionTimeout, int maxErrors,
                           Duration errorDelay, Duration greetingDelay, int maxConnections, int maxConnectionsPerIp,
                           int maxReceivedHeaders, boolean normalizeBareLineEndings, boolean mayRelay) {

    /** The settings of an inbound (port 25) listener with every limit at its default. */
    public static SmtpSettings inbound(String hostname) {
        return new SmtpSettings(hostname, 35L * 1024 * 1024, 100, 512, 1000, Duration.ofMinutes(5),
                Duration.ofMinutes(30), 20, Duration.ofSeconds(1), Duration.ZERO, 1000, 50, 50, false, false);
    }
}

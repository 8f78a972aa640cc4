/**
 * Mail authentication: who may send for a domain, and whether a message is what its signer sent.
 *
 * <ul>
 *   <li>{@code dkim/}: DKIM signing and verification (RFC 6376), RSA-SHA256 and Ed25519-SHA256 (RFC 8463),
 *       on the JDK's own crypto: {@link org.mailroom.mailauth.dkim.DkimSigner},
 *       {@link org.mailroom.mailauth.dkim.DkimVerifier}, {@link org.mailroom.mailauth.dkim.DkimKey}.</li>
 *   <li>{@code spf/}: SPF's check_host() (RFC 7208) with its look-up limits: {@link org.mailroom.mailauth.spf.SpfEvaluator}.</li>
 *   <li>{@code dmarc/}: DMARC policy discovery and alignment (RFC 7489) over the Public Suffix List:
 *       {@link org.mailroom.mailauth.dmarc.DmarcEvaluator}.</li>
 *   <li>{@code arc/}: ARC chain verification and sealing (RFC 8617): {@link org.mailroom.mailauth.arc.ArcVerifier},
 *       {@link org.mailroom.mailauth.arc.ArcSealer}.</li>
 *   <li>{@link org.mailroom.mailauth.InboundAuthenticator}: all of them for one message received on port 25, giving
 *       the action (accept, quarantine, reject, try later) and the Authentication-Results header (RFC 8601).</li>
 * </ul>
 * Every DNS question goes through {@link org.mailroom.core.dns.DnsResolver} (the server's resolver and its cache).
 * Messages are read as streams, once: the header section is held (it is bounded), the body is hashed as it passes.
 * Nothing here throws on bad input from the network: a malformed signature or record is a result (permerror,
 * fail, neutral), a DNS failure is temperror.
 */
package org.mailroom.mailauth;

package org.mailroom.protocol.smtp;

import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.auth.SaslMechanisms;
import org.mailroom.core.inbound.SenderOwnership;

/**
 * What a submission listener (RFC 6409: ports 587 and 465) adds to SMTP: SASL authentication (RFC 4954) guarded
 * against password guessing, and the rule that users send only as themselves.
 *
 * @param plaintextWithoutTls whether AUTH may run before TLS (for loopback setups); otherwise a client must use
 *                            STARTTLS or the implicit-TLS port first (538 5.7.11)
 * @param hideClientAddress   leave the client's IP address out of the Received header (privacy of users on
 *                            home networks); the authenticated user is not named there either
 */
public record SmtpAuth(SaslMechanisms mechanisms, LoginGuard guard, SenderOwnership ownership,
                       boolean plaintextWithoutTls, boolean hideClientAddress) {}

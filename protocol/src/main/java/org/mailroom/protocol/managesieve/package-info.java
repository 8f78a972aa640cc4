/**
 * ManageSieve server (RFC 5804): users upload, check, list, activate, fetch, rename and delete their Sieve scripts
 * from a mail client (Thunderbird's Sieve add-on, Roundcube, sieve-connect), on {@code listen.managesieve} (4190).
 *
 * <p>Design. The pipeline is POP3's: idle timer, then {@link org.mailroom.protocol.managesieve.ManageSieveDecoder}
 * (lines and literals, limits enforced before anything is buffered), then an encoder of reply text, then the
 * {@link org.mailroom.protocol.managesieve.ManageSieveSession} on the blocking executor (logins hash passwords,
 * compiling and storing scripts touch the disk). The session is one state enum (NOT_AUTHENTICATED, AUTHENTICATED,
 * RFC 5804 section 1.4) and one table of verbs with the states each is valid in
 * ({@link org.mailroom.protocol.managesieve.ManageSieveCommandTable}), one class per verb; the script verbs share
 * {@link org.mailroom.protocol.managesieve.ScriptRules} (names, limits, the compile check).
 *
 * <p>Literals. A client sends a script as {@code {n+}} CRLF and n octets without waiting (non-synchronizing);
 * {@code {n}} is taken the same way, as other servers do, because ManageSieve has no continuation reply. So a
 * literal over the script size limit cannot be refused before it arrives: up to a bound it is read and thrown
 * away, then refused with {@code NO (QUOTA/MAXSIZE)} (HAVESPACE lets a client ask first); beyond that bound the
 * connection ends with BYE, which keeps a client from making us read gigabytes.
 *
 * <p>Authentication is the shared SASL ({@link org.mailroom.core.auth.SaslMechanisms}) and
 * {@link org.mailroom.core.auth.LoginGuard}, with IMAP's rule for passwords in the clear: under TLS, or from
 * loopback where allowed. SCRAM's additional data with success goes in {@code OK (SASL "...")} (section 2.1).
 */
package org.mailroom.protocol.managesieve;

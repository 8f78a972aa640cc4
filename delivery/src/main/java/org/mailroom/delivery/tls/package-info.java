/**
 * Transport security for outbound SMTP: how much TLS a destination domain asks for, and what became of it.
 *
 * <p>For each delivery, {@link org.mailroom.delivery.tls.TransportSecurity} answers per MX host: DANE (RFC 7672)
 * when the MX answer and the host's TLSA records come DNSSEC-validated from a resolver we trust
 * ({@code dns.dnssec}); else the domain's MTA-STS policy (RFC 8461), found through the {@code _mta-sts} TXT record,
 * fetched by {@link org.mailroom.delivery.tls.PolicyFetcher} over HTTPS and kept by
 * {@link org.mailroom.delivery.tls.MtaStsPolicies} (memory and a JSON file, so a restart or a blocked policy
 * server does not switch enforcement off); else nothing beyond {@code outbound.tls}. The answer is a
 * {@link org.mailroom.protocol.smtp.client.CertificateCheck} for STARTTLS, whether plain text is allowed, or a
 * refusal; {@link org.mailroom.delivery.RemoteDelivery} applies it, and a refusal is a temporary failure: the
 * message waits in the queue with the reason in its history.
 *
 * <p>Every TLS session's outcome is counted by {@link org.mailroom.delivery.tls.TlsReports} per policy domain and
 * UTC day; {@link org.mailroom.delivery.tls.TlsReportSender} sends each domain that asks (RFC 8460) its report
 * for the day before, through our own queue.
 *
 * <p>Compromise, named: the resolver's AD bit is believed, not checked (Mailroom does not validate DNSSEC);
 * {@code dns.dnssec} must only be set for a validating resolver on a trusted path.
 */
package org.mailroom.delivery.tls;

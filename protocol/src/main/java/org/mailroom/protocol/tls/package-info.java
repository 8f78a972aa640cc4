/**
 * TLS for every listener: SMTP (STARTTLS on 25 and 587, RFC 3207; implicit on 465, RFC 8314), IMAP (STARTTLS
 * on 143, implicit on 993) and POP3 (STLS on 110, implicit on 995; RFC 2595).
 *
 * <h2>Design note</h2>
 * <ul>
 *   <li>{@link org.mailroom.protocol.tls.CertificateSource} says where the certificate comes from: the
 *       configured PEM files, or a self-signed EC certificate that {@code SelfSignedIssuer} makes on the first
 *       start, keeps in {@code <dataDir>/tls/} and renews 30 days before it expires. {@code PemFiles} reads
 *       what administrators have (PKCS#8, PKCS#1 RSA, SEC1 EC) with BouncyCastle's parser and the JDK's key
 *       factories; no security provider is registered.</li>
 *   <li>{@link org.mailroom.protocol.tls.TlsContext} is the one Netty {@code SslContext} of the server (JDK
 *       engine, TLS 1.3 and 1.2, Mozilla "intermediate" suites). It is swapped, never mutated, when the files
 *       change, so an open connection keeps the engine it started with.</li>
 *   <li>{@link org.mailroom.protocol.tls.StartTls} is the only way a plain connection becomes a TLS one, and
 *       the only place that enforces the STARTTLS injection rule (CVE-2011-0411). Protocol decoders cooperate
 *       through {@link org.mailroom.protocol.tls.StartTlsDecoder}: they stop decoding after a STARTTLS command
 *       so that whatever follows stays countable. IMAP, POP3 and ManageSieve do it by extending
 *       {@link org.mailroom.protocol.tls.PausingDecoder}; SMTP, which pauses after every command, on its own.</li>
 *   <li>Netty's {@code SslHandler(engine, startTls = true)} is not used: it sends the first message written
 *       after it was added in clear, which suits adding the handler before the "ready" reply. We add it after
 *       that reply was written instead, which makes the injection check and the switch one step on the event
 *       loop; with {@code startTls = true} the first flush after adding it (the first reply after the
 *       handshake) would then go out in clear.</li>
 *   <li>{@link org.mailroom.protocol.tls.ChannelBinding} gives SCRAM-PLUS its tls-server-end-point data;
 *       tls-exporter needs an exporter API that Java 17 lacks.</li>
 * </ul>
 */
package org.mailroom.protocol.tls;

/**
 * DKIM signing and verification (RFC 6376) with rsa-sha256 and ed25519-sha256 (RFC 8463), and the pieces ARC
 * ({@code org.mailroom.mailauth.arc}) shares: one tag-list parser, one header and body canonicalization, one key
 * record look-up, one signature check.
 *
 * <h2>Why our own code</h2>
 * Built on the JDK's crypto ({@code Signature} "SHA256withRSA" and "Ed25519", JDK 15+; {@code KeyPairGenerator}).
 * Apache James jDKIM 0.5 signs and verifies RSA only (no Ed25519, no ARC), pulls an old mime4j and its own DNS
 * layer, while every DNS question here must go through {@link org.mailroom.core.dns.DnsResolver} with its cache
 * and its temperror semantics.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li>One pass over the message: {@link org.mailroom.mailauth.dkim.HeaderSection} holds the header section
 *       (capped at 1 MiB) and leaves the stream at the body, which {@link org.mailroom.mailauth.dkim.BodyHashes}
 *       streams through one {@link org.mailroom.mailauth.dkim.BodyHasher} per distinct (canonicalization,
 *       {@code l=}); no body is held, whatever its size.</li>
 *   <li>Header fields are ISO-8859-1 strings, one char per octet: "simple" gives back the bytes as received and
 *       UTF-8 in headers passes through untouched.</li>
 *   <li>Order of checks ({@link org.mailroom.mailauth.dkim.SignatureCheck}): syntax, expiry, body hash, then the
 *       key from DNS, then the signature: a modified body costs no DNS question.</li>
 *   <li>RFC 8463's Ed25519 signs the SHA-256 hash of the header data (not the data), and publishes the raw
 *       32-octet key in {@code p=}; {@link org.mailroom.mailauth.dkim.SignatureCrypto} and
 *       {@link org.mailroom.mailauth.dkim.DkimKeys} do both, checked against the RFC's example.</li>
 * </ul>
 * Nothing here throws on bad input from the network: see {@link org.mailroom.mailauth.dkim.DkimVerifier} for the
 * result each problem gives.
 */
package org.mailroom.mailauth.dkim;

/**
 * ARC (RFC 8617): {@link org.mailroom.mailauth.arc.ArcVerifier} validates a received chain,
 * {@link org.mailroom.mailauth.arc.ArcSealer} adds our set when we forward a message to another domain.
 *
 * <p>An ARC set is three fields with the same instance {@code i=N}: ARC-Authentication-Results (a copy of the
 * sealer's Authentication-Results), ARC-Message-Signature (a DKIM signature in all but name, verified by the DKIM
 * code in {@code org.mailroom.mailauth.dkim}) and ARC-Seal (a signature over all sets so far, relaxed, no body).
 * {@code ArcChain} holds the sets of one message and validates them in the order of RFC 8617 section 5.2; the
 * sealer validates before it seals, in the same single pass over the message, and does not seal a failed chain.
 * Our own implementation on the JDK's crypto, for the reasons given in the {@code dkim} package.
 */
package org.mailroom.mailauth.arc;

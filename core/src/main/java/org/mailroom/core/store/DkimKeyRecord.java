package org.mailroom.core.store;

import java.time.Instant;
import java.util.Locale;

/**
 * One DKIM signing key of a local domain, as the {@link Directory} keeps it. The private key is text (PKCS#8,
 * base64) in the database, which is as secret as the password hashes beside it; it is never logged, and
 * {@link #toString()} leaves it out.
 *
 * <p>A key goes through three states (RFC 6376 section 3.6.1: a selector must stay in DNS as long as mail
 * signed with it may still be verified):
 * <pre>
 *   PUBLISHED --(published for dkim.publish_delay)--> ACTIVE --(a newer key becomes ACTIVE)--> RETIRED
 *   RETIRED --(retireAfter passed, or "dkim retire")--> removed
 * </pre>
 * PUBLISHED and RETIRED keys are in {@code mailroom dns records} but do not sign; ACTIVE ones sign and are
 * published. {@code org.mailroom.core.dkim.DkimRotation} moves keys between the states.
 *
 * @param domain      the signing domain, lower case
 * @param selector    {@code s=}, e.g. {@code mr20261204r}
 * @param algorithm   {@code a=} tag: {@code rsa-sha256} or {@code ed25519-sha256}
 * @param privateKey  PKCS#8 DER in base64
 * @param created     when the key was made (and first printed by {@code dns records})
 * @param state       see above
 * @param retireAfter for a RETIRED key, when it may leave DNS and be deleted; else null
 */
public record DkimKeyRecord(String domain, String selector, String algorithm, String privateKey, Instant created,
                            State state, Instant retireAfter) {

    public static final String RSA_SHA256 = "rsa-sha256";
    public static final String ED25519_SHA256 = "ed25519-sha256";

    public enum State {
        /** In DNS (or about to be), not yet signing: resolvers may not have it yet. */
        PUBLISHED,
        /** Signs outgoing mail. */
        ACTIVE,
        /** Signs no more; stays in DNS until {@code retireAfter} for mail still in transit. */
        RETIRED;

        /** As stored: lower case. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static State of(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    public DkimKeyRecord {
        domain = domain.toLowerCase(Locale.ROOT);
        if (!algorithm.equals(RSA_SHA256) && !algorithm.equals(ED25519_SHA256)) {
            throw new IllegalArgumentException("unknown DKIM algorithm: " + algorithm);
        }
    }

    public DkimKeyRecord withState(State newState, Instant newRetireAfter) {
        return new DkimKeyRecord(domain, selector, algorithm, privateKey, created, newState, newRetireAfter);
    }

    /** The private key stays out of logs and test output. */
    @Override
    public String toString() {
        return "DkimKeyRecord[" + selector + "._domainkey." + domain + " " + algorithm + " " + state.text()
                + " created " + created + (retireAfter == null ? "" : " retire after " + retireAfter) + "]";
    }
}

package org.mailroom.mailauth.dkim;

import java.security.PrivateKey;

/**
 * A domain's private signing key under one selector: {@code selector._domainkey.domain} publishes its public half.
 *
 * @param domain    the signing domain ({@code d=}), lower case, A-labels
 * @param selector  the selector ({@code s=})
 * @param algorithm what the key signs with
 * @param privateKey the JDK key: RSA (2048 bits) or Ed25519
 */
public record DkimKey(String domain, String selector, Algorithm algorithm, PrivateKey privateKey) {

    /** The two signing algorithms of RFC 6376 section 3.3 (rsa-sha256) and RFC 8463 (ed25519-sha256). */
    public enum Algorithm {
        RSA_SHA256("rsa-sha256", "rsa"),
        ED25519_SHA256("ed25519-sha256", "ed25519");

        private final String tag;
        private final String keyType;

        Algorithm(String tag, String keyType) {
            this.tag = tag;
            this.keyType = keyType;
        }

        /** The {@code a=} tag value. */
        public String tag() {
            return tag;
        }

        /** The {@code k=} tag value of the DNS record. */
        public String keyType() {
            return keyType;
        }
    }
}

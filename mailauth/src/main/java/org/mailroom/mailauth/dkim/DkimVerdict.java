package org.mailroom.mailauth.dkim;

/**
 * The outcome of one DKIM-Signature header field (RFC 6376 section 6; result names of RFC 8601 section 2.7.1).
 *
 * @param result    pass; fail (bad signature or body hash); neutral (the signature field could not be parsed or
 *                  accepted: syntax, duplicate or missing tag, unknown algorithm, From not signed); policy (expired,
 *                  RSA key under 1024 bits); temperror (DNS failure); permerror (no key record, revoked, unusable)
 * @param domain    the {@code d=} tag, lower case, or "" when the field had none
 * @param selector  the {@code s=} tag, or ""
 * @param algorithm the {@code a=} tag, or ""
 * @param signaturePrefix the first 8 characters of {@code b=} ({@code header.b} of RFC 6008), or ""
 * @param reason    why, in a few words, for the Authentication-Results comment and the log
 */
public record DkimVerdict(Result result, String domain, String selector, String algorithm, String signaturePrefix,
                          String reason) {

    public enum Result { PASS, FAIL, NEUTRAL, POLICY, TEMPERROR, PERMERROR }

    public boolean passed() {
        return result == Result.PASS;
    }
}

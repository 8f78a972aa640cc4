package org.mailroom.mailauth.dmarc;

/**
 * The DMARC evaluation of one message (RFC 7489 section 6.6).
 *
 * @param result       none (no policy), pass (an aligned SPF or DKIM pass), fail, temperror, permerror
 * @param fromDomain   the RFC5322.From domain ("" when the message has no single From domain)
 * @param policyDomain the domain whose record applied (the From domain or its organizational domain)
 * @param policy       the policy the domain asks for on fail ({@code p=}, or {@code sp=} for a subdomain)
 * @param disposition  what to do with this message: NONE unless the result is fail (then the policy, after
 *                     {@code pct=} sampling)
 * @param reason       why, in a few words
 */
public record DmarcVerdict(Result result, String fromDomain, String policyDomain, Policy policy, Policy disposition,
                           String reason) {

    public enum Result { NONE, PASS, FAIL, TEMPERROR, PERMERROR }

    public enum Policy { NONE, QUARANTINE, REJECT }
}

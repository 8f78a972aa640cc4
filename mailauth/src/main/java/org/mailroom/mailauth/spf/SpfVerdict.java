package org.mailroom.mailauth.spf;

/**
 * The result of SPF's check_host() for one identity (RFC 7208 section 2.6).
 *
 * @param result      none, neutral, pass, fail, softfail, temperror, permerror
 * @param identity    "mailfrom" or "helo": which identity was checked (a null sender checks the HELO name)
 * @param domain      the domain whose policy was evaluated
 * @param sender      the sender address checked (postmaster@helo for the null sender)
 * @param explanation the reason, or on fail the domain's exp= text when it has one, for the reply and the log
 */
public record SpfVerdict(Result result, String identity, String domain, String sender, String explanation) {

    public enum Result { NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR }

    public boolean passed() {
        return result == Result.PASS;
    }
}

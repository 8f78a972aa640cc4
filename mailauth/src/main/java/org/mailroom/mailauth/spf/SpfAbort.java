package org.mailroom.mailauth.spf;

/**
 * Ends an evaluation early with permerror or temperror (RFC 7208 section 2.6.6/2.6.7): a syntax error, a limit
 * passed, a DNS failure. Internal: it never leaves {@link SpfEvaluator}, which turns it into a verdict.
 */
final class SpfAbort extends Exception {

    final SpfVerdict.Result result;

    SpfAbort(SpfVerdict.Result result, String reason) {
        super(reason, null, false, false); // a result, not a bug: no stack trace
        this.result = result;
    }

    static SpfAbort perm(String reason) {
        return new SpfAbort(SpfVerdict.Result.PERMERROR, reason);
    }

    static SpfAbort temp(String reason) {
        return new SpfAbort(SpfVerdict.Result.TEMPERROR, reason);
    }
}

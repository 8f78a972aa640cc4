package org.mailroom.mailauth.arc;

/**
 * The validation of a message's ARC chain (RFC 8617 section 5.2).
 *
 * @param result    none (no ARC sets), pass (every set present and valid), fail
 * @param instances the highest {@code i=} found, 0 for none
 * @param reason    why, in a few words
 */
public record ArcVerdict(Result result, int instances, String reason) {

    /** The chain validation status ({@code cv=}) values. */
    public enum Result { NONE, PASS, FAIL }
}

package org.mailroom.mailauth.dkim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The checked tags of a DKIM-Signature (RFC 6376 section 3.5) or of an ARC-Message-Signature (RFC 8617 section
 * 4.1.2: the same tags, no {@code v=}, and {@code i=} the ARC instance instead of an identity).
 *
 * @param field          the header field
 * @param algorithm      {@code a=}
 * @param headerCanon    {@code c=} before "/" (default simple)
 * @param bodyCanon      {@code c=} after "/" (default simple)
 * @param domain         {@code d=}, lower case
 * @param selector       {@code s=}
 * @param signedHeaders  {@code h=}, in order, as written
 * @param bodyHash       {@code bh=}, decoded
 * @param signature      {@code b=}, decoded
 * @param length         {@code l=}, or -1
 * @param timestamp      {@code t=}, or -1
 * @param expiry         {@code x=}, or -1
 * @param identity       DKIM's {@code i=} (default "@" + d), "" for ARC
 * @param instance       ARC's {@code i=}, 0 for DKIM
 */
public record SignatureTags(HeaderSection.Field field, DkimKey.Algorithm algorithm, Canonicalization headerCanon,
                            Canonicalization bodyCanon, String domain, String selector, List<String> signedHeaders,
                            byte[] bodyHash, byte[] signature, long length, long timestamp, long expiry,
                            String identity, int instance) {

    /** Which of the two header fields is parsed. */
    public enum Kind { DKIM, ARC_MESSAGE_SIGNATURE }

    /** ARC allows instances 1 to 50 (RFC 8617 section 4.2.1). */
    public static final int MAX_ARC_INSTANCE = 50;

    /**
     * Parses and checks a signature field; every problem (RFC 6376 section 6.1.1) is a {@link
     * TagList.SyntaxException} with the reason.
     */
    public static SignatureTags parse(HeaderSection.Field field, Kind kind) throws TagList.SyntaxException {
        TagList tags = TagList.parse(field.value());
        if (kind == Kind.DKIM) {
            String v = tags.get("v").orElseThrow(() -> new TagList.SyntaxException("no v= tag"));
            if (!"1".equals(v)) {
                throw new TagList.SyntaxException("unknown version v=" + v);
            }
        }
        String a = required(tags, "a");
        DkimKey.Algorithm algorithm = SignatureCrypto.algorithm(a);
        if (algorithm == null) {
            throw new TagList.SyntaxException("rsa-sha1".equals(a)
                    ? "rsa-sha1 is not accepted (RFC 8301)" : "unknown algorithm a=" + a);
        }
        byte[] signature = TagList.base64(required(tags, "b"));
        if (signature.length == 0) {
            throw new TagList.SyntaxException("empty b=");
        }
        byte[] bodyHash = TagList.base64(required(tags, "bh"));
        if (bodyHash.length != 32) {
            throw new TagList.SyntaxException("bh= is not a SHA-256 hash");
        }
        Canonicalization headerCanon = Canonicalization.SIMPLE;
        Canonicalization bodyCanon = Canonicalization.SIMPLE;
        if (tags.has("c")) {
            String[] c = tags.get("c").get().split("/", -1);
            if (c.length > 2) {
                throw new TagList.SyntaxException("bad c=");
            }
            headerCanon = Canonicalization.of(c[0]);
            bodyCanon = c.length == 2 ? Canonicalization.of(c[1]) : Canonicalization.SIMPLE;
            if (headerCanon == null || bodyCanon == null) {
                throw new TagList.SyntaxException("unknown canonicalization c=" + tags.get("c").get());
            }
        }
        String domain = required(tags, "d").toLowerCase(Locale.ROOT);
        if (!isDomain(domain)) {
            throw new TagList.SyntaxException("bad d=");
        }
        String selector = required(tags, "s");
        if (!isDomain(selector.toLowerCase(Locale.ROOT))) {
            throw new TagList.SyntaxException("bad s=");
        }
        List<String> signedHeaders = new ArrayList<>();
        for (String name : KeyRecord.colonList(required(tags, "h"))) {
            if (!isFieldName(name)) {
                throw new TagList.SyntaxException("bad h=");
            }
            signedHeaders.add(name);
        }
        if (signedHeaders.stream().noneMatch(n -> n.equalsIgnoreCase("from"))) {
            throw new TagList.SyntaxException("From is not signed");
        }
        if (tags.has("q") && !KeyRecord.colonList(tags.get("q").get()).contains("dns/txt")) {
            throw new TagList.SyntaxException("unknown query method q=");
        }
        long length = number(tags, "l", 76);
        long timestamp = number(tags, "t", 12);
        long expiry = number(tags, "x", 12);
        if (expiry >= 0 && timestamp >= 0 && expiry < timestamp) {
            throw new TagList.SyntaxException("x= before t=");
        }
        String identity = "";
        int instance = 0;
        if (kind == Kind.DKIM) {
            identity = tags.get("i").orElse("@" + domain);
            int at = identity.lastIndexOf('@');
            if (at < 0) {
                throw new TagList.SyntaxException("i= without @");
            }
            String idDomain = identity.substring(at + 1).toLowerCase(Locale.ROOT);
            if (!idDomain.equals(domain) && !idDomain.endsWith("." + domain)) {
                throw new TagList.SyntaxException("i= is not within d=");
            }
        } else {
            instance = instance(tags);
        }
        return new SignatureTags(field, algorithm, headerCanon, bodyCanon, domain, selector, List.copyOf(signedHeaders),
                bodyHash, signature, length, timestamp, expiry, identity, instance);
    }

    /** The domain of {@code i=}, lower case. */
    public String identityDomain() {
        return identity.substring(identity.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    /** An ARC {@code i=} tag: 1 to 50. */
    public static int instance(TagList tags) throws TagList.SyntaxException {
        String i = required(tags, "i");
        if (!i.matches("[0-9]{1,2}")) {
            throw new TagList.SyntaxException("bad i=");
        }
        int n = Integer.parseInt(i);
        if (n < 1 || n > MAX_ARC_INSTANCE) {
            throw new TagList.SyntaxException("i= out of 1..50");
        }
        return n;
    }

    public static String required(TagList tags, String name) throws TagList.SyntaxException {
        String value = tags.get(name).orElseThrow(() -> new TagList.SyntaxException("no " + name + "= tag"));
        if (value.isEmpty()) {
            throw new TagList.SyntaxException("empty " + name + "=");
        }
        return value;
    }

    private static long number(TagList tags, String name, int maxDigits) throws TagList.SyntaxException {
        if (!tags.has(name)) {
            return -1;
        }
        String v = tags.get(name).get();
        if (v.isEmpty() || v.length() > Math.min(maxDigits, 18) || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new TagList.SyntaxException("bad " + name + "=");
        }
        return Long.parseLong(v);
    }

    /** A DNS name in A-label form: letters, digits, hyphen, underscore, non-empty labels. */
    static boolean isDomain(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        for (String label : s.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' && c != '_') {
                    return false;
                }
            }
        }
        return true;
    }

    /** RFC 5322 field-name: printable US-ASCII except colon. */
    private static boolean isFieldName(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 33 || c > 126) {
                return false;
            }
        }
        return true;
    }
}

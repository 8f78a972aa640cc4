package org.mailroom.mailauth.arc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.mailauth.dkim.BodyHashes;
import org.mailroom.mailauth.dkim.Canonicalization;
import org.mailroom.mailauth.dkim.DkimKey;
import org.mailroom.mailauth.dkim.DkimVerdict;
import org.mailroom.mailauth.dkim.HeaderSection;
import org.mailroom.mailauth.dkim.SignatureCheck;
import org.mailroom.mailauth.dkim.SignatureCrypto;
import org.mailroom.mailauth.dkim.SignatureTags;
import org.mailroom.mailauth.dkim.TagList;

/**
 * The ARC sets of one message and their validation (RFC 8617 section 5.2), shared by {@link ArcVerifier} and
 * {@link ArcSealer} (which must validate before it seals). Built from the header section; the body hash the latest
 * ARC-Message-Signature needs is requested from the caller's {@link BodyHashes} before the body streams past.
 *
 * <p>Steps, in the RFC's order: the sets are complete (one AAR, AMS and AS for each instance 1..N, nothing else);
 * the latest seal does not already say {@code cv=fail}; seal 1 says {@code cv=none} and every later one
 * {@code cv=pass}; the latest AMS verifies like a DKIM signature; every seal verifies, from N down to 1.
 */
final class ArcChain {

    static final String SEAL = "ARC-Seal";
    static final String MESSAGE_SIGNATURE = "ARC-Message-Signature";
    static final String RESULTS = "ARC-Authentication-Results";

    /** RFC 8617 section 4.1.1: the AAR value opens with "i=N;". */
    private static final Pattern AAR_INSTANCE = Pattern.compile("^[ \\t\\r\\n]*i[ \\t\\r\\n]*=[ \\t\\r\\n]*([0-9]{1,2})[ \\t\\r\\n]*;");

    /** One instance's three fields. */
    record ArcSet(HeaderSection.Field results, HeaderSection.Field messageSignature, HeaderSection.Field seal) {}

    private final HeaderSection header;
    private final List<ArcSet> sets;
    /** Why the chain is broken before any signature is checked, or null. */
    private final String structureProblem;
    private final SignatureTags latestAms;

    private ArcChain(HeaderSection header, List<ArcSet> sets, String structureProblem, SignatureTags latestAms) {
        this.header = header;
        this.sets = sets;
        this.structureProblem = structureProblem;
        this.latestAms = latestAms;
    }

    /** Reads the ARC fields of a header section and asks for the body hash the latest AMS will need. */
    static ArcChain of(HeaderSection header, BodyHashes bodies) {
        TreeMap<Integer, HeaderSection.Field[]> byInstance = new TreeMap<>();
        String problem = null;
        int fieldsSeen = 0;
        for (HeaderSection.Field f : header.fields()) {
            int slot = f.name().equalsIgnoreCase(RESULTS) ? 0 : f.name().equalsIgnoreCase(MESSAGE_SIGNATURE) ? 1
                    : f.name().equalsIgnoreCase(SEAL) ? 2 : -1;
            if (slot < 0) {
                continue;
            }
            fieldsSeen++;
            int instance = instance(f, slot);
            if (instance < 0) {
                problem = f.name() + " without a valid i=";
                continue;
            }
            HeaderSection.Field[] set = byInstance.computeIfAbsent(instance, k -> new HeaderSection.Field[3]);
            if (set[slot] != null) {
                problem = "two " + f.name() + " fields with i=" + instance;
            }
            set[slot] = f;
        }
        List<ArcSet> sets = new ArrayList<>();
        if (problem == null && fieldsSeen > 0) {
            int n = byInstance.isEmpty() ? 0 : byInstance.lastKey();
            for (int i = 1; i <= n && problem == null; i++) {
                HeaderSection.Field[] set = byInstance.get(i);
                if (set == null || set[0] == null || set[1] == null || set[2] == null) {
                    problem = "ARC set i=" + i + " is incomplete";
                } else {
                    sets.add(new ArcSet(set[0], set[1], set[2]));
                }
            }
        }
        SignatureTags ams = null;
        if (problem == null && !sets.isEmpty()) {
            try {
                ams = SignatureTags.parse(sets.get(sets.size() - 1).messageSignature(),
                        SignatureTags.Kind.ARC_MESSAGE_SIGNATURE);
                bodies.request(ams.bodyCanon(), ams.length());
            } catch (TagList.SyntaxException e) {
                problem = "ARC-Message-Signature i=" + sets.size() + ": " + e.getMessage();
            }
        }
        if (fieldsSeen > 0 && sets.isEmpty() && problem == null) {
            problem = "ARC fields without a set";
        }
        return new ArcChain(header, List.copyOf(sets), problem, ams);
    }

    /** The instance of an ARC field, or -1 when it has none usable. */
    private static int instance(HeaderSection.Field f, int slot) {
        if (slot == 0) {
            Matcher m = AAR_INSTANCE.matcher(f.value());
            if (!m.find()) {
                return -1;
            }
            int i = Integer.parseInt(m.group(1));
            return i >= 1 && i <= SignatureTags.MAX_ARC_INSTANCE ? i : -1;
        }
        try {
            return SignatureTags.instance(TagList.parse(f.value()));
        } catch (TagList.SyntaxException e) {
            return -1;
        }
    }

    /** The number of complete sets (the highest instance when the chain is well formed). */
    int instances() {
        return sets.size();
    }

    List<ArcSet> sets() {
        return sets;
    }

    /** Validates the chain; call after the body went through the {@link BodyHashes} given to {@link #of}. */
    ArcVerdict validate(BodyHashes bodies, DnsResolver dns, long now) {
        if (structureProblem != null) {
            return new ArcVerdict(ArcVerdict.Result.FAIL, sets.size(), structureProblem);
        }
        int n = sets.size();
        if (n == 0) {
            return new ArcVerdict(ArcVerdict.Result.NONE, 0, "no ARC sets");
        }
        List<TagList> seals = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            TagList seal;
            try {
                seal = TagList.parse(sets.get(i - 1).seal().value());
            } catch (TagList.SyntaxException e) {
                return fail(n, "ARC-Seal i=" + i + ": " + e.getMessage());
            }
            String cv = seal.get("cv").orElse("");
            if (i == n && cv.equals("fail")) {
                return fail(n, "the chain already failed (cv=fail at i=" + n + ")");
            }
            if (!cv.equals(i == 1 ? "none" : "pass")) {
                return fail(n, "ARC-Seal i=" + i + " says cv=" + cv);
            }
            if (seal.has("h")) {
                return fail(n, "ARC-Seal i=" + i + " has h=");
            }
            seals.add(seal);
        }
        if (latestAms.signedHeaders().stream().anyMatch(h -> h.equalsIgnoreCase(SEAL))) {
            return fail(n, "ARC-Message-Signature i=" + n + " signs ARC-Seal"); // RFC 8617 section 4.1.2 forbids it
        }
        DkimVerdict ams = SignatureCheck.check(latestAms, header, bodies, dns, now);
        if (!ams.passed()) {
            return fail(n, "ARC-Message-Signature i=" + n + ": " + ams.result().name().toLowerCase() + ", " + ams.reason());
        }
        for (int i = n; i >= 1; i--) {
            String problem = checkSeal(i, seals.get(i - 1), dns);
            if (problem != null) {
                return fail(n, "ARC-Seal i=" + i + ": " + problem);
            }
        }
        return new ArcVerdict(ArcVerdict.Result.PASS, n, "chain of " + n + " valid");
    }

    private String checkSeal(int instance, TagList seal, DnsResolver dns) {
        DkimKey.Algorithm algorithm;
        byte[] signature;
        String domain;
        String selector;
        try {
            algorithm = SignatureCrypto.algorithm(SignatureTags.required(seal, "a"));
            signature = TagList.base64(SignatureTags.required(seal, "b"));
            domain = SignatureTags.required(seal, "d").toLowerCase(java.util.Locale.ROOT);
            selector = SignatureTags.required(seal, "s");
        } catch (TagList.SyntaxException e) {
            return e.getMessage();
        }
        if (algorithm == null) {
            return "unknown algorithm";
        }
        byte[] data = sealData(sets.subList(0, instance - 1), sets.get(instance - 1).results(),
                sets.get(instance - 1).messageSignature(), sets.get(instance - 1).seal().raw());
        SignatureCheck.Outcome outcome = SignatureCheck.verify(dns, selector, domain, algorithm, "", data, signature);
        return outcome.result() == DkimVerdict.Result.PASS ? null
                : outcome.result().name().toLowerCase() + ", " + outcome.reason();
    }

    /**
     * What an ARC-Seal signs (RFC 8617 section 5.1.1): every earlier set, then the seal's own set, each in the
     * order AAR, AMS, AS, relaxed; the seal itself last with its {@code b=} emptied and no final CRLF.
     */
    static byte[] sealData(List<ArcSet> earlier, HeaderSection.Field results, HeaderSection.Field messageSignature,
                           String sealRaw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        Canonicalization relaxed = Canonicalization.RELAXED;
        for (ArcSet set : earlier) {
            write(out, relaxed.header(set.results()));
            write(out, relaxed.header(set.messageSignature()));
            write(out, relaxed.header(set.seal()));
        }
        write(out, relaxed.header(results));
        write(out, relaxed.header(messageSignature));
        String own = relaxed.header(TagList.withEmptyValue(sealRaw, "b"));
        write(out, own.substring(0, own.length() - 2));
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ArcVerdict fail(int n, String reason) {
        return new ArcVerdict(ArcVerdict.Result.FAIL, n, reason);
    }
}

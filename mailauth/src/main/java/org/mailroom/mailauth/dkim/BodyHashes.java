package org.mailroom.mailauth.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body hashes a message's signatures ask for, computed in one pass over the body: one {@link BodyHasher} per
 * distinct (canonicalization, {@code l=}), SHA-256 being the only hash we accept. Signatures asking the same share one.
 */
public final class BodyHashes {

    /** A computed body hash and the length of the whole canonical body. */
    public record Result(byte[] hash, long canonicalLength) {}

    private record Request(Canonicalization canonicalization, long limit) {}

    private final Map<Request, BodyHasher> hashers = new LinkedHashMap<>();
    private final Map<Request, Result> results = new LinkedHashMap<>();

    public void request(Canonicalization canonicalization, long limit) {
        hashers.computeIfAbsent(new Request(canonicalization, limit), r -> new BodyHasher(r.canonicalization(), r.limit()));
    }

    /** Reads the body to its end, feeding every requested hasher; reads nothing when none was requested. */
    public void consume(InputStream body) throws IOException {
        if (hashers.isEmpty()) {
            return;
        }
        byte[] buffer = new byte[65536];
        int n;
        while ((n = body.read(buffer)) >= 0) {
            for (BodyHasher h : hashers.values()) {
                h.update(buffer, 0, n);
            }
        }
        for (Map.Entry<Request, BodyHasher> e : hashers.entrySet()) {
            byte[] hash = e.getValue().finish();
            results.put(e.getKey(), new Result(hash, e.getValue().canonicalLength()));
        }
    }

    /** A hash requested before {@link #consume}. */
    public Result get(Canonicalization canonicalization, long limit) {
        return results.get(new Request(canonicalization, limit));
    }
}

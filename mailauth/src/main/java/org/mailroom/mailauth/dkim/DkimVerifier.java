package org.mailroom.mailauth.dkim;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.mailauth.dkim.DkimVerdict.Result;

/**
 * Verifies every DKIM-Signature of a message (RFC 6376 section 6): key records from DNS
 * ({@code selector._domainkey.domain} TXT), both algorithms, both canonicalizations, {@code l=}, {@code x=}.
 *
 * <p>Results (RFC 8601 section 2.7.1): a signature field we cannot parse or accept (tag syntax, duplicate tag,
 * missing tag, unknown algorithm or rsa-sha1, {@code i=} outside {@code d=}, From not signed) is neutral; a key
 * that cannot be had or used (no record, revoked, malformed, wrong type, {@code h=}/{@code s=}/{@code t=s}
 * restrictions) is permerror; a DNS failure is temperror; an expired signature or an RSA key under 1024 bits is
 * policy; a body hash or signature that does not match is fail.
 *
 * <p>At most {@link #MAX_SIGNATURES} signatures are checked (each costs a DNS question and a body hash); the
 * others are neutral. The body is streamed once whatever the number of signatures.
 */
public final class DkimVerifier {

    /** More signatures than this on one message are not worth checking: real mail has one to three. */
    public static final int MAX_SIGNATURES = 8;

    private final DnsResolver dns;
    private final Clock clock;

    public DkimVerifier(DnsResolver dns, Clock clock) {
        this.dns = dns;
        this.clock = clock;
    }

    /**
     * One verdict per DKIM-Signature header field, in the order they appear (top first); empty when the message
     * has none (the Authentication-Results then says dkim=none). Reads the message once.
     */
    public List<DkimVerdict> verify(InputStream message) throws IOException {
        SignedMessage m = SignedMessage.read(message);
        Pending pending = prepare(m);
        m.consumeBody();
        return pending.verdicts();
    }

    /**
     * The first half of {@link #verify}, for callers that check several things in one pass over the message:
     * parses the signatures and registers the body hashes they need; the verdicts come after
     * {@link SignedMessage#consumeBody()}.
     */
    public Pending prepare(SignedMessage message) {
        return new Pending(message);
    }

    /** Signatures parsed, waiting for the body. */
    public final class Pending {
        private final SignedMessage message;
        /** Per field: its SignatureTags, or the verdict already reached. */
        private final List<Object> parsed = new ArrayList<>();

        private Pending(SignedMessage message) {
            this.message = message;
            HeaderSection header = message.header();
            if (header.tooLarge()) {
                parsed.add(new DkimVerdict(Result.PERMERROR, "", "", "", "",
                        "header section over " + HeaderSection.MAX_BYTES + " octets"));
                return;
            }
            for (HeaderSection.Field field : header.named("DKIM-Signature")) {
                if (parsed.size() >= MAX_SIGNATURES) {
                    parsed.add(unchecked(field, Result.NEUTRAL, "too many signatures"));
                    continue;
                }
                try {
                    SignatureTags sig = SignatureTags.parse(field, SignatureTags.Kind.DKIM);
                    message.bodies().request(sig.bodyCanon(), sig.length());
                    parsed.add(sig);
                } catch (TagList.SyntaxException e) {
                    parsed.add(unchecked(field, Result.NEUTRAL, "signature syntax: " + e.getMessage()));
                }
            }
        }

        /**
         * One verdict per DKIM-Signature, top first; empty when there is none.
         *
         * @throws IllegalStateException before the body was consumed
         */
        public List<DkimVerdict> verdicts() {
            if (!message.bodyConsumed()) {
                throw new IllegalStateException("consume the body first");
            }
            long now = clock.instant().getEpochSecond();
            List<DkimVerdict> verdicts = new ArrayList<>(parsed.size());
            for (Object p : parsed) {
                verdicts.add(p instanceof SignatureTags sig
                        ? SignatureCheck.check(sig, message.header(), message.bodies(), dns, now)
                        : (DkimVerdict) p);
            }
            return verdicts;
        }
    }

    /** A verdict for a field not checked, with what can still be read of it. */
    static DkimVerdict unchecked(HeaderSection.Field field, Result result, String reason) {
        String d = "";
        String s = "";
        String a = "";
        try {
            TagList tags = TagList.parse(field.value());
            d = tags.get("d").orElse("").toLowerCase(Locale.ROOT);
            s = tags.get("s").orElse("");
            a = tags.get("a").orElse("");
        } catch (TagList.SyntaxException e) {
            // nothing readable: the verdict carries empty strings
        }
        return new DkimVerdict(result, d, s, a, SignatureCheck.prefix(field), reason);
    }
}

package org.mailroom.mailauth.dkim;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.mailroom.mailauth.testing.MemoryDns;

/** Keys (made once per test run: RSA generation takes a while), a zone publishing them, and messages. */
final class DkimFixtures {

    static final String DOMAIN = "example.org";
    static final KeyPair RSA_PAIR = DkimKeys.generate(DkimKey.Algorithm.RSA_SHA256);
    static final KeyPair ED_PAIR = DkimKeys.generate(DkimKey.Algorithm.ED25519_SHA256);
    static final DkimKey RSA = new DkimKey(DOMAIN, "rsa2026", DkimKey.Algorithm.RSA_SHA256, RSA_PAIR.getPrivate());
    static final DkimKey ED = new DkimKey(DOMAIN, "ed2026", DkimKey.Algorithm.ED25519_SHA256, ED_PAIR.getPrivate());
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);

    static final String MESSAGE = "From: Alice <alice@example.org>\r\n"
            + "To: Bob <bob@example.net>\r\n"
            + "Subject: Lunch  on\r\n"
            + "  Friday?\r\n"
            + "Date: Fri, 04 Dec 2026 11:59:00 +0000\r\n"
            + "Message-ID: <lunch.1@example.org>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Received: from somewhere (not signed)\r\n"
            + "\r\n"
            + "Hello Bob,  \r\n"
            + "\r\n"
            + "shall we meet at\tnoon?\r\n"
            + "\r\n"
            + "\r\n";

    private DkimFixtures() {
    }

    static MemoryDns zone() {
        return new MemoryDns()
                .txt("rsa2026._domainkey.example.org", DkimKeys.publicKeyRecord(RSA_PAIR.getPublic()))
                .txt("ed2026._domainkey.example.org", DkimKeys.publicKeyRecord(ED_PAIR.getPublic()));
    }

    static String sign(String message, DkimKey... keys) {
        try {
            return new DkimSigner(CLOCK).sign(stream(message), List.of(keys)) + message;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<DkimVerdict> verify(MemoryDns zone, String message) {
        return verify(zone, message, CLOCK);
    }

    static List<DkimVerdict> verify(MemoryDns zone, String message, Clock clock) {
        try {
            return new DkimVerifier(zone, clock).verify(stream(message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ByteArrayInputStream stream(String message) {
        return new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1));
    }
}

package org.mailroom.mailauth.arc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.mailroom.mailauth.dkim.DkimKey;
import org.mailroom.mailauth.dkim.DkimKeys;
import org.mailroom.mailauth.testing.MemoryDns;

/** Two forwarders' RSA keys, a zone publishing them, and a message as the first forwarder stores it. */
final class ArcFixtures {

    static final KeyPair FIRST_PAIR = DkimKeys.generate(DkimKey.Algorithm.RSA_SHA256);
    static final KeyPair SECOND_PAIR = DkimKeys.generate(DkimKey.Algorithm.RSA_SHA256);
    static final DkimKey FIRST = new DkimKey("lists.example.net", "arc1", DkimKey.Algorithm.RSA_SHA256, FIRST_PAIR.getPrivate());
    static final DkimKey SECOND = new DkimKey("fwd.example.com", "arc2", DkimKey.Algorithm.RSA_SHA256, SECOND_PAIR.getPrivate());
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);

    static final String MESSAGE = "Authentication-Results: mx.lists.example.net;\r\n"
            + "\tdkim=pass header.d=example.org header.s=sel;\r\n"
            + "\tspf=pass smtp.mailfrom=example.org; arc=none\r\n"
            + "Received: from mail.example.org by mx.lists.example.net\r\n"
            + "From: Alice <alice@example.org>\r\n"
            + "To: list@lists.example.net\r\n"
            + "Subject: meeting notes\r\n"
            + "Date: Fri, 04 Dec 2026 11:59:00 +0000\r\n"
            + "Message-ID: <notes.1@example.org>\r\n"
            + "\r\n"
            + "The notes are attached.\r\n";

    private ArcFixtures() {
    }

    static MemoryDns zone() {
        return new MemoryDns()
                .txt("arc1._domainkey.lists.example.net", DkimKeys.publicKeyRecord(FIRST_PAIR.getPublic()))
                .txt("arc2._domainkey.fwd.example.com", DkimKeys.publicKeyRecord(SECOND_PAIR.getPublic()));
    }

    static String seal(String message, DkimKey key, String authservId) {
        try {
            return new ArcSealer(zone(), CLOCK).seal(stream(message), key, authservId) + message;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ArcVerdict verify(MemoryDns zone, String message) {
        try {
            return new ArcVerifier(zone, CLOCK).verify(stream(message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ByteArrayInputStream stream(String message) {
        return new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1));
    }
}

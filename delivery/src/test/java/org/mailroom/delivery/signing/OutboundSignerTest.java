package org.mailroom.delivery.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.mailroom.core.store.Directory;
import org.mailroom.mailauth.arc.ArcSealer;
import org.mailroom.mailauth.dkim.DkimSigner;

/** What OutboundSigner reads from a message's header section, and how it puts fields in front of the stored bytes. */
class OutboundSignerTest {

    final OutboundSigner signer = new OutboundSigner((Directory) null, null, new DkimSigner(Clock.systemUTC()),
            new ArcSealer(null, Clock.systemUTC()), "MX.example.org", "MX.example.org", Clock.systemUTC(), true);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theOriginIsReadFromOurOwnReceivedField() {
        String submitted = "Received: from laptop ([192.0.2.7])\r\n\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256)\r\n"
                + "\tby mx.example.org (Mailroom) with ESMTPSA id 1A2B;\r\n\tFri, 4 Dec 2026 10:00:00 +0000\r\n"
                + "From: alice@example.org\r\n\r\n";
        assertThat(signer.origin(bytes(submitted))).isEqualTo(OutboundSigner.Origin.SUBMITTED);
        assertThat(signer.origin(bytes(submitted.replace("ESMTPSA", "UTF8SMTPSA")))).isEqualTo(OutboundSigner.Origin.SUBMITTED);
        // Port 25, no AUTH: even with a From: of ours it is someone else's message.
        assertThat(signer.origin(bytes(submitted.replace("ESMTPSA", "ESMTPS")))).isEqualTo(OutboundSigner.Origin.RECEIVED);
        // Only the top field counts, ours: a forged "ESMTPSA" one lower down does not.
        assertThat(signer.origin(bytes(submitted.replace("ESMTPSA", "ESMTPS").replace("From: alice@example.org\r\n",
                "Received: from a by mx.example.org (Mailroom) with ESMTPSA id 1;\r\n\tdate\r\nFrom: alice@example.org\r\n"))))
                .isEqualTo(OutboundSigner.Origin.RECEIVED);
        // Several nodes on one database: the node sending from the queue may not be the one that accepted it.
        assertThat(signer.origin(bytes(submitted.replace("by mx.example.org", "by mx2.example.org"))))
                .isEqualTo(OutboundSigner.Origin.SUBMITTED);
        assertThat(signer.origin(bytes("From: MAILER-DAEMON@mx.example.org\r\nSubject: x\r\n\r\n")))
                .isEqualTo(OutboundSigner.Origin.GENERATED);
    }

    @Test
    void onlyOurAuthservIdCounts() {
        assertThat(signer.hasOurAuthenticationResults(bytes("Authentication-Results: mx.example.org;\r\n spf=pass\r\n\r\n"))).isTrue();
        assertThat(signer.hasOurAuthenticationResults(bytes("Authentication-Results: mx.example.org.evil; spf=pass\r\n"))).isFalse();
        assertThat(signer.hasOurAuthenticationResults(bytes("Authentication-Results: other.test; dkim=pass\r\n"))).isFalse();
        assertThat(signer.hasOurAuthenticationResults(bytes("Subject: Authentication-Results: mx.example.org;\r\n"))).isFalse();
    }

    @Test
    void fieldsGoAfterTheReturnPathLineWhichTheSentMessageLacks() throws Exception {
        String stored = "Return-Path: <alice@example.org>\r\nFrom: alice@example.org\r\n\r\nHi\r\n";
        byte[] fields = bytes("DKIM-Signature: v=1; a=ed25519-sha256\r\n");
        assertThat(new String(OutboundSigner.withFields(new ByteArrayInputStream(bytes(stored)), fields).readAllBytes(),
                StandardCharsets.ISO_8859_1)).isEqualTo("Return-Path: <alice@example.org>\r\n"
                + "DKIM-Signature: v=1; a=ed25519-sha256\r\nFrom: alice@example.org\r\n\r\nHi\r\n");
        assertThat(new String(OutboundSigner.withFields(new ByteArrayInputStream(bytes("From: a@b\r\n\r\n")), fields)
                .readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("DKIM-Signature: v=1; a=ed25519-sha256\r\nFrom: a@b\r\n\r\n");
        assertThat(new String(OutboundSigner.withoutReturnPath(new ByteArrayInputStream(bytes(stored))).readAllBytes(),
                StandardCharsets.ISO_8859_1)).isEqualTo("From: alice@example.org\r\n\r\nHi\r\n");
    }

    @Test
    void theFromDomainIsTheFirstAddresses() {
        assertThat(OutboundSigner.fromDomain(bytes("From: \"Alice\" <alice@Example.ORG>, bob@b.test\r\n\r\n"))).isEqualTo("example.org");
        assertThat(OutboundSigner.fromDomain(bytes("Subject: none\r\n\r\n"))).isNull();
    }
}

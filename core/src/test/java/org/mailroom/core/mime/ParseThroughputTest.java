package org.mailroom.core.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Prints how many messages per second one thread parses (a 4 KB multipart and a 1 MB message with a base64
 * attachment), and how fast the stored form is read back, which is what FETCH BODYSTRUCTURE costs. Not a
 * timed assertion: the figures go to the test output for the performance table.
 */
class ParseThroughputTest {

    @Test
    void parsingThroughput() throws IOException {
        byte[] small = message(4 * 1024);
        byte[] large = message(1024 * 1024);
        assertThat(small.length).isBetween(4000, 4400);

        MessageStructure s = MessageStructure.parse(large);
        assertThat(s.root().children()).hasSize(2);
        assertThat(s.root().children().get(1).bodyLength()).isGreaterThan(1000 * 1024);
        assertThat(s.bodyStructure()).contains("\"application\" \"octet-stream\"");

        double smallRate = rate(small, 300);
        double largeRate = rate(large, 300);
        byte[] stored = MessageStructure.parse(small).toBytes();
        double storedRate = storedRate(stored, 300);
        System.out.printf("MIME parse: 4 KB message %.0f msg/s; 1 MB message %.0f msg/s (%.0f MB/s); "
                + "stored form (%d bytes) read back with BODYSTRUCTURE %.0f msg/s%n",
                smallRate, largeRate, largeRate * large.length / 1e6, stored.length, storedRate);
        assertThat(smallRate).isPositive();
    }

    /** Parses for about {@code millis} after a warm-up of the same length; messages per second. */
    private static double rate(byte[] message, long millis) throws IOException {
        for (int pass = 0; pass < 2; pass++) {
            long start = System.nanoTime();
            long deadline = start + millis * 1_000_000;
            int n = 0;
            while (System.nanoTime() < deadline) {
                MessageStructure.parse(new ByteArrayInputStream(message));
                n++;
            }
            if (pass == 1) return n / ((System.nanoTime() - start) / 1e9);
        }
        throw new AssertionError();
    }

    private static double storedRate(byte[] stored, long millis) {
        long start = System.nanoTime();
        long deadline = start + 2 * millis * 1_000_000;
        int n = 0;
        long sink = 0;
        while (System.nanoTime() < deadline) {
            sink += MessageStructure.fromBytes(stored).bodyStructure().length();
            n++;
        }
        assertThat(sink).isPositive();
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** A multipart/mixed message of about {@code size} octets: a text part and a base64 attachment. */
    static byte[] message(int size) {
        StringBuilder m = new StringBuilder();
        m.append("Return-Path: <sender@example.com>\r\n")
                .append("Received: from mx.example.com (mx.example.com [192.0.2.1])\r\n\tby mail.example.org with ESMTPS id 12345\r\n\tfor <rcpt@example.org>; Tue, 1 Dec 2026 10:00:00 +0000\r\n")
                .append("From: \"Sender Name\" <sender@example.com>\r\nTo: Recipient <rcpt@example.org>, other@example.org\r\n")
                .append("Cc: =?utf-8?q?J=C3=B6rg?= <joerg@example.de>\r\nSubject: =?utf-8?q?Quarterly_report?=\r\n")
                .append("Date: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <report-1@example.com>\r\n")
                .append("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"=_boundary_1\"\r\n\r\n")
                .append("--=_boundary_1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        for (int k = 0; k < 10; k++) m.append("The report is attached. Numbers are up this quarter.\r\n");
        m.append("--=_boundary_1\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\n")
                .append("Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"data.bin\"\r\n\r\n");
        Random r = new Random(1);
        byte[] raw = new byte[57];
        String tail = "--=_boundary_1--\r\n";
        while (m.length() + 78 + tail.length() <= size) {
            r.nextBytes(raw);
            m.append(java.util.Base64.getEncoder().encodeToString(raw)).append("\r\n");
        }
        m.append(tail);
        return m.toString().getBytes(StandardCharsets.US_ASCII);
    }
}

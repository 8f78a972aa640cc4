package org.mailroom.bench.jmh;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.mailroom.bench.Corpus;
import org.mailroom.sieve.SieveCompiler;
import org.mailroom.sieve.SieveEnvironment;
import org.mailroom.sieve.SieveMessage;
import org.mailroom.sieve.SieveOutcome;
import org.mailroom.sieve.SieveScript;
import org.mailroom.sieve.SieveSyntaxException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A realistic 20-rule user script (header, address and envelope tests, fileinto, flags, one :matches with a
 * variable) run against a typical 4 KiB message with a real-looking header section, as local delivery runs it for
 * each recipient: {@code run} includes reading and parsing the header section (once per run). Only the last rule
 * matches, so every test is evaluated. {@code compile} is the cost of an upload (ManageSieve PUTSCRIPT).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SieveBenchmark {

    static final String SCRIPT = """
            require ["fileinto", "envelope", "imap4flags", "variables", "subaddress", "mailbox", "relational",
                     "comparator-i;ascii-numeric"];
            if header :contains "X-Spam-Flag" "YES" { fileinto "Junk"; stop; }
            if header :value "ge" :comparator "i;ascii-numeric" "X-Spam-Score" "8" { fileinto "Junk"; stop; }
            if address :is "from" ["boss@corp.example", "ceo@corp.example"] { addflag "\\\\Flagged"; fileinto "Work"; stop; }
            if address :domain :is "from" "github.com" { fileinto "Dev/GitHub"; stop; }
            if header :contains "List-Id" "<dev.lists.example.org>" { fileinto "Lists/dev"; stop; }
            if header :contains "List-Id" "<announce.lists.example.org>" { fileinto "Lists/announce"; stop; }
            if envelope :detail "to" "shop" { fileinto :create "Shopping"; stop; }
            if envelope :is "from" "" { fileinto "Bounces"; stop; }
            if header :contains "subject" ["invoice", "receipt", "Rechnung"] { fileinto "Finance"; stop; }
            if address :is ["to", "cc"] "family@home.example" { fileinto "Family"; stop; }
            if header :is "Precedence" ["bulk", "junk"] { fileinto "Bulk"; stop; }
            if exists "X-Mailchimp-Campaign" { fileinto "Newsletters"; stop; }
            if address :domain :contains "from" "newsletter" { fileinto "Newsletters"; stop; }
            if header :contains "subject" "[JIRA]" { fileinto "Dev/Jira"; stop; }
            if anyof (header :contains "From" "calendar-notification", header :contains "subject" "Invitation:") { fileinto "Calendar"; stop; }
            if size :over 10M { addflag "$Large"; }
            if header :matches "subject" "*[urgent]*" { addflag "\\\\Flagged"; }
            if address :localpart :is "from" ["noreply", "no-reply", "donotreply"] { addflag "$NoReply"; }
            if not exists "Message-ID" { fileinto "Junk"; stop; }
            if address :matches "from" "*@partner.example" { fileinto "Partners/${1}"; stop; }
            """;

    private SieveScript script;
    private SieveMessage message;
    private SieveEnvironment env;

    @Setup(Level.Trial)
    public void setUp() throws SieveSyntaxException {
        script = new SieveCompiler().compile("bench", SCRIPT);
        message = message(typicalMessage(4096));
        env = new Env();
        SieveOutcome o = script.run(message, env);
        if (o.error() != null || !o.actions().toString().contains("Partners/anna")) {
            throw new IllegalStateException("the benchmark script does not do what it should: " + o);
        }
    }

    @Benchmark
    public SieveOutcome run() {
        return script.run(message, env);
    }

    @Benchmark
    public SieveScript compile() throws SieveSyntaxException {
        return new SieveCompiler().compile("bench", SCRIPT);
    }

    /** A header section as mail arrives here (trace, authentication and list fields), then a corpus body. */
    static byte[] typicalMessage(int size) {
        String header = String.join("\r\n",
                "Return-Path: <anna@partner.example>",
                "Received: from mx1.partner.example (mx1.partner.example [192.0.2.10])",
                "\tby mail.example.org (Mailroom) with ESMTPS id 7f3a9c",
                "\tfor <alice@example.org>; Fri, 4 Dec 2026 10:00:01 +0000",
                "Received: from laptop.partner.example (laptop.partner.example [198.51.100.7])",
                "\tby mx1.partner.example with ESMTPSA id 1b2c3d; Fri, 4 Dec 2026 10:59:58 +0100",
                "Authentication-Results: mail.example.org; spf=pass smtp.mailfrom=partner.example;",
                "\tdkim=pass header.d=partner.example; dmarc=pass header.from=partner.example",
                "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=partner.example; s=s1;",
                "\th=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;",
                "\tb=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZSBidXQgaXQgaGFzIHRoZSBzaXplIG9mIG9uZQ==",
                "Date: Fri, 4 Dec 2026 10:59:57 +0100",
                "From: Anna Partner <anna@partner.example>",
                "To: Alice <alice@example.org>",
                "Cc: Bob <bob@example.org>, Carol <carol@example.net>",
                "Subject: Re: quarterly figures for the meeting on Monday",
                "Message-ID: <20261204095957.1b2c3d@partner.example>",
                "In-Reply-To: <20261203170000.9a8b7c@example.org>",
                "References: <20261203170000.9a8b7c@example.org>",
                "X-Spam-Score: 1",
                "MIME-Version: 1.0",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit",
                "", "");
        byte[] corpus = new Corpus(1, size).message(0);
        String text = new String(corpus, StandardCharsets.US_ASCII);
        String body = text.substring(text.indexOf("\r\n\r\n") + 4);
        String whole = header + body;
        return whole.substring(0, Math.min(whole.length(), size)).getBytes(StandardCharsets.UTF_8);
    }

    static SieveMessage message(byte[] bytes) {
        return new SieveMessage() {
            @Override
            public String envelopeFrom() {
                return "anna@partner.example";
            }

            @Override
            public String envelopeTo() {
                return "alice@example.org";
            }

            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }

    static final class Env implements SieveEnvironment {
        private final ZonedDateTime now = ZonedDateTime.parse("2026-12-04T10:00:00Z");

        @Override
        public String account() {
            return "alice@example.org";
        }

        @Override
        public Set<String> addresses() {
            return Set.of("alice@example.org");
        }

        @Override
        public boolean mailboxExists(String mailbox) {
            return true;
        }

        @Override
        public boolean seenBefore(String key, Duration period) {
            return false;
        }

        @Override
        public Optional<String> includedScript(boolean global, String name) {
            return Optional.empty();
        }

        @Override
        public ZonedDateTime now() {
            return now;
        }
    }
}

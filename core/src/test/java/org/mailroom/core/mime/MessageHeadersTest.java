package org.mailroom.core.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The decoded fields for SEARCH, SORT and THREAD, from the same parse as the ENVELOPE. */
class MessageHeadersTest {

    @Test
    void decodesSubjectNamesAndDate() {
        MessageHeaders h = MessageStructure.parse(Messages.ENCODED).headers();
        // RFC 2047 section 6.2: the space between two adjacent encoded words goes away
        assertThat(h.subject()).isEqualTo("Caf\u00e9 au lait and \"quotes\" \\ backslash");
        assertThat(h.from()).containsExactly(new Address("Keld J\u00f8rn Simonsen", "keld", "dkuug.dk"));
        assertThat(h.to()).containsExactly(new Address("\u5c71\u7530", "yamada", "example.jp"));
        assertThat(h.cc()).containsExactly(new Address("J\u00f6rg M\u00fcller", "joerg", "example.de"));
        assertThat(h.date()).isEqualTo(Instant.parse("2026-12-03T14:30:00Z"));
        assertThat(h.messageId()).isEqualTo("<enc@example.com>");
    }

    @Test
    void groupsAreFlattenedAndMissingFieldsAreEmpty() {
        MessageHeaders h = MessageStructure.parse(Messages.GROUPS).headers();
        assertThat(h.replyTo()).extracting(Address::address)
                .containsExactly("c@a.test", "joe@where.test", "jdoe@one.test");
        assertThat(h.bcc()).isEmpty();
        assertThat(h.sender()).containsExactly(new Address("Pete", "pete", "silly.test"));
        assertThat(h.date()).isNull();
        assertThat(h.inReplyTo()).isNull();
        assertThat(h.references()).isEmpty();
    }

    @Test
    void threadingFields() {
        byte[] msg = Messages.crlf("""
                Subject: Re: [list] Fwd: topic
                Date: Fri, 4 Dec 26 23:59 EST
                Message-ID: <c@x.test>
                In-Reply-To: <b@x.test>
                References: <a@x.test>
                 <b@x.test> (comment) <broken
                From: nodomain

                """);
        MessageHeaders h = MessageStructure.parse(msg).headers();
        assertThat(h.references()).containsExactly("<a@x.test>", "<b@x.test>");
        assertThat(h.inReplyTo()).isEqualTo("<b@x.test>");
        assertThat(h.date()).isEqualTo(Instant.parse("2026-12-05T04:59:00Z"));
        assertThat(h.from()).containsExactly(new Address(null, "nodomain", ""));
        assertThat(h.from().get(0).address()).isEqualTo("nodomain");
    }

    @Test
    void datesInObsoleteAndBrokenForms() {
        assertThat(DateParser.parse("7 Feb 1994 21:52:25 -0800 (PST)")).isEqualTo(Instant.parse("1994-02-08T05:52:25Z"));
        assertThat(DateParser.parse("Tue, 1 Dec 2026 10:00 GMT")).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(DateParser.parse("1 Jan 99 00:00:00 Z")).isEqualTo(Instant.parse("1999-01-01T00:00:00Z"));
        assertThat(DateParser.parse("31 Feb 2026 10:00:00 +0000")).isNull();
        assertThat(DateParser.parse("yesterday")).isNull();
        assertThat(DateParser.parse(null)).isNull();
    }

    @Test
    void encodedWordsLeaveWhatTheyCannotDecode() {
        assertThat(EncodedWords.decode("=?x-unknown?Q?a?= b")).isEqualTo("=?x-unknown?Q?a?= b");
        assertThat(EncodedWords.decode("=?utf-8?B?w6k=?=")).isEqualTo("\u00e9");
        assertThat(EncodedWords.decode("=?utf-8*en?Q?a_b?=")).isEqualTo("a b");
        assertThat(EncodedWords.decode("a =?utf-8?Q?=E2=82=AC?= b")).isEqualTo("a \u20ac b");
        assertThat(EncodedWords.decode("=?broken")).isEqualTo("=?broken");
    }

    @Test
    void utf8HeadersPerRfc6532() {
        byte[] msg = "Subject: Gr\u00fc\u00dfe \u2603\r\nFrom: \u00e9l\u00e8ve <\u00e9l\u00e8ve@\u00e9cole.example>\r\n\r\nx"
                .getBytes(StandardCharsets.UTF_8);
        MessageStructure m = MessageStructure.parse(msg);
        assertThat(m.headers().subject()).isEqualTo("Gr\u00fc\u00dfe \u2603");
        assertThat(m.headers().from()).containsExactly(
                new Address("\u00e9l\u00e8ve", "\u00e9l\u00e8ve", "\u00e9cole.example"));
        // the literal counts UTF-8 octets: "Grüße ☃" is 11 octets
        assertThat(m.envelope()).startsWith("(NIL {11}\r\nGr\u00fc\u00dfe \u2603 ((");
    }
}

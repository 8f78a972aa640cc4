package org.mailroom.core.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BODY[section] ranges (RFC 9051 section 6.4.5): the bytes served are checked literally; for the forwarded
 * message they are the bytes Dovecot 2.3 returned for the same sections.
 */
class SectionTest {

    private static String fetch(byte[] message, String section) {
        MessageStructure m = MessageStructure.parse(message);
        return m.locate(section).map(loc -> {
            byte[] range = Arrays.copyOfRange(message, (int) loc.offset(), (int) (loc.offset() + loc.length()));
            return new String(loc.extract(range), StandardCharsets.UTF_8);
        }).orElse(null);
    }

    private static String crlf(String s) {
        return s.replace("\n", "\r\n");
    }

    @Test
    void wholeMessageHeaderAndText() {
        byte[] msg = Messages.SIMPLE;
        assertThat(fetch(msg, "")).isEqualTo(new String(msg, StandardCharsets.UTF_8));
        assertThat(fetch(msg, "HEADER")).startsWith("Date: Mon, 7 Feb 1994").endsWith("US-ASCII\r\n\r\n");
        assertThat(fetch(msg, "TEXT")).isEqualTo(crlf("Hello Joe, do you think we can meet at 3:30 tomorrow?\n\nFred\n"));
        // a single-part message has one part, 1: its body; its MIME header is the message header
        assertThat(fetch(msg, "1")).isEqualTo(fetch(msg, "TEXT"));
        assertThat(fetch(msg, "1.MIME")).isEqualTo(fetch(msg, "HEADER"));
        assertThat(fetch(msg, "HEADER").length() + fetch(msg, "TEXT").length()).isEqualTo(msg.length);
        assertThat(MessageStructure.parse(msg).size()).isEqualTo(msg.length);
    }

    @Test
    void headerFieldsKeepOrderAndEndWithBlankLine() {
        assertThat(fetch(Messages.SIMPLE, "HEADER.FIELDS (to FROM)")).isEqualTo(crlf("""
                From: Fred Foobar <foobar@Blurdybloop.example>
                To: mooch@owatagu.siam.edu.example, "Doe, Jane" <jane@example.org>

                """));
        assertThat(fetch(Messages.MIXED, "HEADER.FIELDS.NOT (From To Subject Date MIME-Version)")).isEqualTo(crlf("""
                Content-Type: multipart/mixed;
                 boundary="----=_Part_0"

                """));
        assertThat(fetch(Messages.SIMPLE, "HEADER.FIELDS (X-Absent)")).isEqualTo("\r\n");
    }

    @Test
    void partsOfAForwardedMessage() {
        byte[] msg = Messages.FORWARDED;
        assertThat(fetch(msg, "1")).isEqualTo("See below.");
        assertThat(fetch(msg, "1.MIME")).isEqualTo("Content-Type: text/plain\r\n\r\n");
        assertThat(fetch(msg, "2.MIME")).isEqualTo("Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n");
        String inner = fetch(msg, "2");
        assertThat(inner).hasSize(396).startsWith("From: Ivy <ivy@example.com>\r\n").endsWith("--in--\r\n");
        assertThat(fetch(msg, "2.HEADER")).hasSize(248).endsWith("boundary=\"in\"\r\n\r\n");
        assertThat(fetch(msg, "2.TEXT")).hasSize(148).startsWith("--in\r\n");
        assertThat(fetch(msg, "2.HEADER") + fetch(msg, "2.TEXT")).isEqualTo(inner);
        assertThat(fetch(msg, "2.1")).isEqualTo("Lunch at one?");
        assertThat(fetch(msg, "2.2")).isEqualTo("<p>Lunch at one?</p>");
        assertThat(fetch(msg, "2.2.MIME")).isEqualTo("Content-Type: text/html; charset=us-ascii\r\n\r\n");
        assertThat(fetch(msg, "2.HEADER.FIELDS.NOT (From To Subject Date)")).isEqualTo(crlf("""
                Message-ID: <lunch@example.com>
                In-Reply-To: <earlier@example.com>
                MIME-Version: 1.0
                Content-Type: multipart/alternative; boundary="in"

                """));
        assertThat(fetch(msg, "2.HEADER.FIELDS (Subject)")).isEqualTo("Subject: lunch\r\n\r\n");
    }

    @Test
    void nestedPartNumbers() {
        byte[] msg = Messages.NESTED;
        assertThat(fetch(msg, "1.1")).isEqualTo("plain");
        assertThat(fetch(msg, "1.2.1")).isEqualTo("<img src=\"cid:img1\">");
        assertThat(fetch(msg, "1.2.2")).isEqualTo("iVBORw0KGgo=");
        assertThat(fetch(msg, "1.2.2.MIME")).startsWith("Content-Type: image/png\r\n").endsWith("inline\r\n\r\n");
        assertThat(fetch(msg, "2")).isEqualTo("xyz");
        assertThat(fetch(msg, "1.2")).startsWith("--rel\r\n").endsWith("--rel--");
        MimePart png = MessageStructure.parse(msg).locate("1.2.2").orElseThrow().part();
        assertThat(png.encoding()).isEqualTo("base64");
        assertThat(png.contentId()).isEqualTo("<img1>");
    }

    @Test
    void missingPartsAreEmptyAndSinglePartsAnswerPartOne() {
        byte[] msg = Messages.FORWARDED;
        assertThat(fetch(msg, "3")).isNull();
        assertThat(fetch(msg, "2.3")).isNull();
        assertThat(fetch(msg, "1.HEADER")).isNull(); // HEADER needs a message/rfc822 part
        assertThat(fetch(msg, "1.TEXT")).isNull();
        // like Dovecot: a single part's part 1 is itself
        assertThat(fetch(msg, "1.1")).isEqualTo("See below.");
        assertThat(fetch(msg, "2.1.1")).isEqualTo("Lunch at one?");
    }

    @Test
    void brokenBoundariesStillGiveRanges() {
        byte[] msg = Messages.BROKEN;
        assertThat(fetch(msg, "1.1")).isEqualTo("inner text, the inner close delimiter never comes");
        assertThat(fetch(msg, "2")).isEqualTo("no boundary parameter");
        assertThat(fetch(msg, "3")).isEqualTo("last part, the outer close delimiter never comes\r\n");
    }

    @Test
    void sectionSyntax() {
        Section s = Section.parse("1.2.header.fields (From \"X-Odd Name\")");
        assertThat(s.part()).containsExactly(1, 2);
        assertThat(s.specifier()).isEqualTo(Section.Specifier.HEADER_FIELDS);
        assertThat(s.fields()).containsExactly("From", "X-Odd Name");
        assertThat(s).hasToString("1.2.HEADER.FIELDS (From \"X-Odd Name\")");
        assertThat(Section.parse("")).isEqualTo(new Section(List.of(), Section.Specifier.NONE, List.of()));
        assertThat(Section.parse("3.MIME").part()).containsExactly(3);
        assertThat(Section.parse("TEXT").specifier()).isEqualTo(Section.Specifier.TEXT);
        for (String bad : new String[] {"0", "1.", "MIME", "1.BOGUS", "HEADER.FIELDS", "HEADER.FIELDS ()",
            "TEXT (From)", "1..2", "HEADER.FIELDS (\"unterminated)", "99999999999"}) {
            assertThatThrownBy(() -> Section.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void headerFilterKeepsContinuationLinesAndBareLf() {
        byte[] header = "Subject: a\r\n b\r\nX-A: 1\r\nsubject: again\nTo: x\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(new String(HeaderFilter.filter(header, List.of("SUBJECT"), false), StandardCharsets.UTF_8))
                .isEqualTo("Subject: a\r\n b\r\nsubject: again\n\r\n");
        assertThat(new String(HeaderFilter.filter(header, List.of("subject", "to"), true), StandardCharsets.UTF_8))
                .isEqualTo("X-A: 1\r\n\r\n");
        // a message with no body and no blank line: none is added (RFC 9051 section 6.4.5)
        byte[] noBlank = "To: x\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(HeaderFilter.filter(noBlank, List.of("To"), false)).isEqualTo(noBlank);
    }
}

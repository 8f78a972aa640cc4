package org.mailroom.delivery.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mailroom.sieve.SieveOutcome.HeaderEdit;

class HeaderEditorTest {

    private static final String MESSAGE = "Return-Path: <a@b.example>\r\n"
            + "Received: from x\r\n\tby y\r\n"
            + "X-Spam: yes\r\n"
            + "Subject: hello\r\n"
            + "X-Spam: maybe\r\n"
            + "X-Spam: folded\r\n  value\r\n"
            + "\r\n"
            + "X-Spam: in the body\r\n";

    private static String edit(HeaderEdit... edits) {
        return new String(HeaderEditor.apply(MESSAGE.getBytes(StandardCharsets.ISO_8859_1), List.of(edits)),
                StandardCharsets.ISO_8859_1);
    }

    private static HeaderEdit add(String name, String value, boolean last) {
        return new HeaderEdit(true, name, value, last, 0, false, List.of());
    }

    private static HeaderEdit delete(String name, int index, boolean fromEnd, String... values) {
        return new HeaderEdit(false, name, null, false, index, fromEnd, List.of(values));
    }

    @Test
    void addGoesOnTopAfterReturnPathOrLast() {
        assertThat(edit(add("X-Tag", "one", false))).startsWith("Return-Path: <a@b.example>\r\nX-Tag: one\r\nReceived:");
        assertThat(edit(add("X-Tag", "two", true))).contains("  value\r\nX-Tag: two\r\n\r\nX-Spam: in the body");
    }

    @Test
    void nonAsciiValuesAreEncodedWords() {
        assertThat(edit(add("X-Note", "Grüße", false))).contains("X-Note: =?UTF-8?B?R3LDvMOfZQ==?=\r\n");
    }

    @Test
    void deleteEveryOccurrenceButNeverTheBody() {
        String out = edit(delete("x-spam", 0, false));
        assertThat(out).doesNotContain("X-Spam: yes").doesNotContain("maybe").doesNotContain("folded")
                .contains("\r\n\r\nX-Spam: in the body\r\n").contains("Subject: hello\r\n");
    }

    @Test
    void deleteByIndexAndByValue() {
        assertThat(edit(delete("X-Spam", 1, true))).contains("X-Spam: yes").contains("maybe").doesNotContain("folded");
        assertThat(edit(delete("X-Spam", 2, false))).contains("X-Spam: yes").doesNotContain("maybe").contains("folded");
        assertThat(edit(delete("X-Spam", 0, false, "folded  value", "yes")))
                .doesNotContain("X-Spam: yes").contains("X-Spam: maybe").doesNotContain("folded");
    }

    @Test
    void returnPathIsNotTheScriptsToEdit() {
        assertThat(edit(delete("Return-Path", 0, false))).startsWith("Return-Path: <a@b.example>\r\n");
    }
}

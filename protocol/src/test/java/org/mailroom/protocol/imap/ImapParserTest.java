package org.mailroom.protocol.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImapParserTest {

    private static ImapParser.Parsed parse(String s) throws BadCommandException {
        return ImapParser.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void atomsStringsLiteralsAndLists() throws Exception {
        ImapParser.Parsed p = parse("A001 append \"My \\\"Box\\\\\" (\\Seen $Junk) {5}\r\nhe\r\no ~{2}\r\n\0\1 NIL");
        assertThat(p.tag()).isEqualTo("A001");
        assertThat(p.name()).isEqualTo("APPEND");
        List<ImapValue> a = p.arguments();
        assertThat(a).hasSize(5);
        assertThat(((ImapValue.Text) a.get(0)).string()).isEqualTo("My \"Box\\");
        assertThat(((ImapValue.ListValue) a.get(1)).items()).containsExactly(
                new ImapValue.Atom("\\Seen"), new ImapValue.Atom("$Junk"));
        ImapValue.Text literal = (ImapValue.Text) a.get(2);
        assertThat(literal.string()).isEqualTo("he\r\no");
        assertThat(literal.literal()).isTrue();
        ImapValue.Text binary = (ImapValue.Text) a.get(3);
        assertThat(binary.binary()).isTrue();
        assertThat(binary.bytes()).containsExactly(0, 1);
        assertThat(((ImapValue.Atom) a.get(4)).is("nil")).isTrue();
    }

    @Test
    void fetchSectionsAreOneAtom() throws Exception {
        ImapParser.Parsed p = parse("f UID FETCH 1:*,7 (FLAGS BODY.PEEK[HEADER.FIELDS (FROM \"TO\")]<0.100> BODY[])");
        assertThat(p.arguments()).hasSize(3);
        List<ImapValue> atts = ((ImapValue.ListValue) p.arguments().get(2)).items();
        assertThat(atts).containsExactly(new ImapValue.Atom("FLAGS"),
                new ImapValue.Atom("BODY.PEEK[HEADER.FIELDS (FROM \"TO\")]<0.100>"), new ImapValue.Atom("BODY[]"));
    }

    @Test
    void nestedSearchAndEmptyList() throws Exception {
        ImapParser.Parsed p = parse("s SEARCH (OR (SEEN) (NOT (FLAGGED))) () UID 1:3");
        assertThat(p.arguments()).hasSize(4);
        assertThat(((ImapValue.ListValue) p.arguments().get(1)).items()).isEmpty();
    }

    @Test
    void limitsAndErrors() {
        assertThatThrownBy(() -> parse("t X " + "(".repeat(40) + ")".repeat(40)))
                .hasMessageContaining("nested too deep");
        assertThatThrownBy(() -> parse("t X \"open")).hasMessageContaining("Unterminated");
        assertThatThrownBy(() -> parse("t X (a b")).hasMessageContaining("Unclosed");
        assertThatThrownBy(() -> parse("t X {9}\r\nabc")).hasMessageContaining("shorter");
        assertThatThrownBy(() -> parse("t X a  b")).isInstanceOf(BadCommandException.class);
        assertThatThrownBy(() -> parse("t")).isInstanceOf(BadCommandException.class);
        assertThatThrownBy(() -> parse("t X )")).isInstanceOf(BadCommandException.class);
        assertThatThrownBy(() -> parse("t X \"a\\b\"")).hasMessageContaining("escape");
    }

    /** Random bytes never escape as anything but a BadCommandException (no runtime exception, no hang). */
    @Test
    void randomInputOnlyEverFailsCleanly() {
        Random random = new Random(6);
        byte[] alphabet = "ab1*:,()[]{}<>\"\\~+ \r\n\0".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 20_000; round++) {
            byte[] in = new byte[random.nextInt(40)];
            for (int i = 0; i < in.length; i++) in[i] = alphabet[random.nextInt(alphabet.length)];
            try {
                ImapParser.parse(in);
            } catch (BadCommandException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    @Test
    void sequenceSets() throws Exception {
        assertThat(SequenceSet.parse("1,3:5,9:*").expand(10)).containsExactly(1L, 3L, 4L, 5L, 9L, 10L);
        assertThat(SequenceSet.parse("5:2").expand(10)).containsExactly(2L, 3L, 4L, 5L);
        assertThat(SequenceSet.parse("*").expand(4)).containsExactly(4L);
        assertThat(SequenceSet.parse("*:3").contains(7, 5)).isFalse();
        assertThatThrownBy(() -> SequenceSet.parse("0")).isInstanceOf(BadCommandException.class);
        assertThatThrownBy(() -> SequenceSet.parse("1,,2")).isInstanceOf(BadCommandException.class);
        assertThatThrownBy(() -> SequenceSet.parse("1:2:3")).isInstanceOf(BadCommandException.class);
        assertThatThrownBy(() -> SequenceSet.parse("1,".repeat(20_000) + "1")).hasMessageContaining("LIMIT");
        assertThat(SequenceSet.format(List.of(1L, 2L, 3L, 5L, 7L, 8L))).isEqualTo("1:3,5,7:8");
    }

    @Test
    void modifiedUtf7() {
        assertThat(ModifiedUtf7.encode("Entwürfe")).isEqualTo("Entw&APw-rfe");
        assertThat(ModifiedUtf7.encode("A&B")).isEqualTo("A&-B");
        assertThat(ModifiedUtf7.encode("日本語")).isEqualTo("&ZeVnLIqe-");
        assertThat(ModifiedUtf7.decode("&ZeVnLIqe-/Entw&APw-rfe &- x")).isEqualTo("日本語/Entwürfe & x");
        assertThat(ModifiedUtf7.decode(ModifiedUtf7.encode("~peter/mail/台北/日本語")))
                .isEqualTo("~peter/mail/台北/日本語");
        assertThatThrownBy(() -> ModifiedUtf7.decode("&AB")).isInstanceOf(IllegalArgumentException.class);
    }
}

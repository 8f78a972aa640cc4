package org.mailroom.protocol.managesieve;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The words of one command (RFC 5804 section 4): atoms (the command name, ACTIVE...), numbers, and strings,
 * quoted ({@code "..."} with {@code \"} and {@code \\}) or literal. Strings are UTF-8; a literal that is not
 * is refused here, so a script stored is always valid text.
 */
final class Arguments {

    /** A word; {@code string} tells a quoted or literal string from an atom. */
    record Word(String value, boolean string) {}

    /** A command that cannot be read: its text is the NO reply's. */
    static final class SyntaxException extends Exception {
        SyntaxException(String message) {
            super(message);
        }
    }

    /** RFC 5804 section 4: "quoted strings are limited to 1024 octets". */
    static final int MAX_QUOTED = 1024;

    private final List<Word> words;
    private int next;

    private Arguments(List<Word> words) {
        this.words = words;
    }

    static Arguments parse(ManageSieveDecoder.Command command) throws SyntaxException {
        List<Word> words = new ArrayList<>();
        for (int i = 0; i < command.text().size(); i++) {
            words(command.text().get(i), words);
            if (i < command.literals().size()) words.add(new Word(utf8(command.literals().get(i)), true));
        }
        return new Arguments(words);
    }

    private static void words(String text, List<Word> out) throws SyntaxException {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
            } else if (c == '"') {
                StringBuilder value = new StringBuilder();
                i++;
                while (true) {
                    if (i >= text.length()) throw new SyntaxException("unterminated quoted string");
                    char q = text.charAt(i++);
                    if (q == '"') break;
                    if (q == '\\') {
                        if (i >= text.length()) throw new SyntaxException("unterminated quoted string");
                        q = text.charAt(i++);
                        if (q != '"' && q != '\\') throw new SyntaxException("bad escape in quoted string");
                    }
                    value.append(q);
                }
                if (value.toString().getBytes(StandardCharsets.UTF_8).length > MAX_QUOTED) {
                    throw new SyntaxException("quoted string over 1024 octets: send a literal");
                }
                out.add(new Word(value.toString(), true));
            } else {
                int start = i;
                while (i < text.length() && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                    char a = text.charAt(i);
                    if (a == '"' || a == '{' || a == '}' || a < 0x20 || a == 0x7f) {
                        throw new SyntaxException("unexpected character in an atom");
                    }
                    i++;
                }
                out.add(new Word(text.substring(start, i), false));
            }
        }
    }

    private static String utf8(byte[] bytes) throws SyntaxException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SyntaxException("string is not UTF-8");
        }
    }

    boolean isEmpty() {
        return next >= words.size();
    }

    int remaining() {
        return words.size() - next;
    }

    /** The command name, upper case. */
    String verb() throws SyntaxException {
        if (isEmpty()) throw new SyntaxException("empty command");
        Word word = words.get(next++);
        if (word.string()) throw new SyntaxException("a command starts with its name");
        return word.value().toUpperCase(Locale.ROOT);
    }

    String string(String what) throws SyntaxException {
        if (isEmpty() || !words.get(next).string()) throw new SyntaxException("expected " + what + " as a string");
        return words.get(next++).value();
    }

    /** A number (RFC 5804: 0 to 4294967295). */
    long number(String what) throws SyntaxException {
        if (isEmpty() || words.get(next).string()) throw new SyntaxException("expected " + what + " as a number");
        String value = words.get(next++).value();
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new SyntaxException("expected " + what + " as a number");
        }
        long n = Long.parseLong(value);
        if (n > 4294967295L) throw new SyntaxException(what + " over 4294967295");
        return n;
    }

    void end() throws SyntaxException {
        if (!isEmpty()) throw new SyntaxException("too many arguments");
    }
}

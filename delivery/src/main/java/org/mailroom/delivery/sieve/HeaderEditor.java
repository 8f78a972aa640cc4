package org.mailroom.delivery.sieve;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mailroom.sieve.SieveOutcome;

/**
 * Applies editheader changes (RFC 5293) to a stored message's header section and gives the new message bytes.
 * Our Return-Path line on top is a trace field of this delivery and is never edited (section 4.3 lets a server
 * protect such fields). Added fields are encoded as RFC 2047 words when not ASCII (section 5) and put in front of
 * the other fields (after Return-Path), or after them with {@code :last}.
 */
final class HeaderEditor {

    private HeaderEditor() {}

    /** A field as it is in the message: its whole text with folding and the final CRLF. */
    private record Field(String name, String raw) {
        String unfoldedValue() {
            String value = raw.substring(raw.indexOf(':') + 1);
            return value.replaceAll("\r?\n(?=[ \t])", "").replaceAll("\r?\n$", "").strip();
        }
    }

    static byte[] apply(byte[] message, List<SieveOutcome.HeaderEdit> edits) {
        String text = new String(message, StandardCharsets.ISO_8859_1); // byte for byte
        int end = headerEnd(text);
        String header = text.substring(0, end);
        String rest = text.substring(end);
        String returnPath = "";
        if (header.regionMatches(true, 0, "Return-Path:", 0, 12)) {
            int lf = header.indexOf('\n');
            returnPath = header.substring(0, lf + 1);
            header = header.substring(lf + 1);
        }
        List<Field> fields = split(header);
        for (SieveOutcome.HeaderEdit edit : edits) {
            if (edit.name().equalsIgnoreCase("Return-Path")) continue;
            if (edit.add()) {
                Field added = new Field(edit.name(), edit.name() + ": " + encode(edit.value()) + "\r\n");
                if (edit.last()) fields.add(added); else fields.add(0, added);
            } else {
                delete(fields, edit);
            }
        }
        StringBuilder out = new StringBuilder(returnPath);
        for (Field f : fields) out.append(f.raw());
        out.append(rest);
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** deleteheader: {@code :index} picks one occurrence of the name first, then the values decide (section 6). */
    private static void delete(List<Field> fields, SieveOutcome.HeaderEdit edit) {
        List<Field> named = new ArrayList<>();
        for (Field f : fields) if (f.name().equalsIgnoreCase(edit.name())) named.add(f);
        if (edit.index() > 0) {
            if (edit.index() > named.size()) return;
            Field one = named.get(edit.fromEnd() ? named.size() - edit.index() : edit.index() - 1);
            named = List.of(one);
        }
        for (Field f : named) {
            if (edit.matchValues().isEmpty() || matches(f, edit.matchValues())) fields.remove(f);
        }
    }

    private static boolean matches(Field f, List<String> values) {
        String value = f.unfoldedValue();
        for (String v : values) {
            if (v.strip().equals(value) || v.strip().equals(decodeLatin(value))) return true;
        }
        return false;
    }

    /** The value as UTF-8 text (the script's values are Java strings; ours here are bytes as Latin-1). */
    private static String decodeLatin(String s) {
        return new String(s.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static List<Field> split(String header) {
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        for (String line : header.split("(?<=\n)")) {
            if (line.isEmpty()) continue;
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation && current != null) {
                current.append(line);
            } else {
                if (current != null) fields.add(field(current.toString()));
                current = new StringBuilder(line);
            }
        }
        if (current != null) fields.add(field(current.toString()));
        return fields;
    }

    private static Field field(String raw) {
        int colon = raw.indexOf(':');
        String name = colon < 0 ? raw.strip() : raw.substring(0, colon).strip();
        return new Field(name, raw);
    }

    /** Where the header section ends: just after the CRLF that ends its last field (the blank line follows). */
    static int headerEnd(String text) {
        if (text.startsWith("\r\n")) return 0;
        int blank = text.indexOf("\r\n\r\n");
        if (blank >= 0) return blank + 2;
        int lfBlank = text.indexOf("\n\n");
        return lfBlank >= 0 ? lfBlank + 1 : text.length();
    }

    /** The value as it goes into the message: as is when ASCII, else one RFC 2047 word per chunk of UTF-8. */
    static String encode(String value) {
        String oneLine = value.replaceAll("[\r\n]+", " ");
        if (oneLine.chars().allMatch(c -> c < 128)) return oneLine;
        byte[] utf8 = oneLine.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        int start = 0;
        while (start < utf8.length) {
            int end = Math.min(utf8.length, start + 45);
            while (end < utf8.length && (utf8[end] & 0xC0) == 0x80) end--; // not inside a character
            if (out.length() > 0) out.append("\r\n ");
            out.append("=?UTF-8?B?").append(java.util.Base64.getEncoder()
                    .encodeToString(java.util.Arrays.copyOfRange(utf8, start, end))).append("?=");
            start = end;
        }
        return out.toString();
    }
}

package org.mailroom.protocol;

/** Makes client-supplied text safe for one log line: control characters become {@code \xNN}, length is capped. */
public final class LogText {

    private static final int MAX = 200;

    private LogText() {}

    public static String of(String s) {
        if (s == null) return "";
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX) + 8);
        for (int i = 0; i < s.length() && out.length() < MAX; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (out.length() >= MAX) out.append("...");
        return out.toString();
    }
}

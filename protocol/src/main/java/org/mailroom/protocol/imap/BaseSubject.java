package org.mailroom.protocol.imap;

import java.util.Locale;

/**
 * The base subject of RFC 5256 section 2.1, which SORT SUBJECT and THREAD compare: the decoded subject without
 * "Re:", "Fwd:", "[list]" leaders, "(fwd)" trailers and "[fwd: ...]" wrappers. {@link #isReplyOrForward} says
 * whether anything of that kind was removed (THREAD=REFERENCES step 5 needs it).
 */
public record BaseSubject(String text, boolean isReplyOrForward) {

    /** @param decoded the subject with RFC 2047 words already decoded (null when absent) */
    public static BaseSubject of(String decoded) {
        if (decoded == null) return new BaseSubject("", false);
        // Step 1: whitespace runs (tabs, folded line ends) become one space.
        String s = decoded.replaceAll("[\\t\\r\\n ]+", " ");
        boolean replyOrForward = false;
        while (true) {
            // Step 2: trailers "(fwd)" and spaces.
            while (true) {
                String lower = s.toLowerCase(Locale.ROOT);
                if (lower.endsWith("(fwd)")) {
                    s = s.substring(0, s.length() - 5);
                    replyOrForward = true;
                } else if (s.endsWith(" ")) {
                    s = s.substring(0, s.length() - 1);
                } else {
                    break;
                }
            }
            // Steps 3-5: leaders, then a leading blob if something is left after it, until nothing changes.
            while (true) {
                String before = s;
                int leader = leaderEnd(s);
                if (leader > 0) {
                    if (s.charAt(0) != ' ' && leader > 0 && !s.substring(0, leader).isBlank()) replyOrForward = true;
                    s = s.substring(leader);
                }
                int blob = blobEnd(s, 0);
                if (blob > 0 && blob < s.length()) s = s.substring(blob);
                if (s.equals(before)) break;
            }
            // Step 6: "[fwd: subject]".
            String lower = s.toLowerCase(Locale.ROOT);
            if (lower.startsWith("[fwd:") && s.endsWith("]")) {
                s = s.substring(5, s.length() - 1);
                replyOrForward = true;
                continue;
            }
            return new BaseSubject(s, replyOrForward);
        }
    }

    /** subj-leader = (*subj-blob subj-refwd) / WSP; the end of one leader at the start, or 0. */
    private static int leaderEnd(String s) {
        if (s.startsWith(" ")) return 1;
        int i = 0;
        while (true) {
            int blob = blobEnd(s, i);
            if (blob <= i) break;
            i = blob;
        }
        // subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"
        String lower = s.toLowerCase(Locale.ROOT);
        int j;
        if (lower.startsWith("re", i)) j = i + 2;
        else if (lower.startsWith("fwd", i)) j = i + 3;
        else if (lower.startsWith("fw", i)) j = i + 2;
        else return 0;
        while (j < s.length() && s.charAt(j) == ' ') j++;
        int blob = blobEnd(s, j);
        if (blob > j) j = blob;
        return j < s.length() && s.charAt(j) == ':' ? j + 1 : 0;
    }

    /** subj-blob = "[" *BLOBCHAR "]" *WSP at {@code from}: its end, or {@code from} if there is none. */
    private static int blobEnd(String s, int from) {
        if (from >= s.length() || s.charAt(from) != '[') return from;
        int i = from + 1;
        while (i < s.length() && s.charAt(i) != '[' && s.charAt(i) != ']') i++;
        if (i >= s.length() || s.charAt(i) != ']') return from;
        i++;
        while (i < s.length() && s.charAt(i) == ' ') i++;
        return i;
    }

    /** i;ascii-casemap (RFC 4790 section 9.2): a-z fold to A-Z, then compare. */
    public static int compareCaseMapped(String a, String b) {
        return asciiUpper(a).compareTo(asciiUpper(b));
    }

    public static String asciiUpper(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
        }
        return out.toString();
    }
}

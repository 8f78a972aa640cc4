package org.mailroom.protocol.imap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A sequence set ({@code 1,3:5,7:*}) of message sequence numbers or UIDs (RFC 9051 section 9, sequence-set).
 * {@code *} stands for the largest number in use, resolved at match time; {@code 5:2} equals {@code 2:5}.
 */
public final class SequenceSet {

    /** At most this many ranges: a client listing UIDs one by one stays well below it. */
    public static final int MAX_RANGES = 10_000;
    private static final long STAR = -1;

    private final long[] lows;
    private final long[] highs;
    /** A set of UIDs whatever the command: the saved search result {@code $} (SEARCHRES, RFC 5182). */
    private final boolean uids;

    private SequenceSet(long[] lows, long[] highs, boolean uids) {
        this.lows = lows;
        this.highs = highs;
        this.uids = uids;
    }

    /** The given UIDs, matched as UIDs even by a command without the UID prefix. */
    public static SequenceSet ofUids(List<Long> uids) {
        long[] a = new long[uids.size()];
        for (int i = 0; i < a.length; i++) a[i] = uids.get(i);
        return new SequenceSet(a, a.clone(), true);
    }

    public boolean holdsUids() {
        return uids;
    }

    public static SequenceSet parse(String text) throws BadCommandException {
        String[] parts = text.split(",", -1);
        if (parts.length > MAX_RANGES) throw new BadCommandException("[LIMIT] Sequence set too long");
        long[] lows = new long[parts.length];
        long[] highs = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            int colon = part.indexOf(':');
            lows[i] = number(colon < 0 ? part : part.substring(0, colon));
            highs[i] = colon < 0 ? lows[i] : number(part.substring(colon + 1));
        }
        return new SequenceSet(lows, highs, false);
    }

    public static boolean looksLikeOne(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> (c >= '0' && c <= '9') || c == ':' || c == ',' || c == '*');
    }

    private static long number(String s) throws BadCommandException {
        if (s.equals("*")) return STAR;
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadCommandException("Bad sequence set");
        }
        long n = Long.parseLong(s);
        if (n < 1 || n > 0xFFFFFFFFL) throw new BadCommandException("Bad sequence set: numbers are 1 to 4294967295");
        return n;
    }

    /** Whether {@code n} is in the set when the largest number in use is {@code max} (what * means). */
    public boolean contains(long n, long max) {
        for (int i = 0; i < lows.length; i++) {
            long a = lows[i] == STAR ? max : lows[i];
            long b = highs[i] == STAR ? max : highs[i];
            if (n >= Math.min(a, b) && n <= Math.max(a, b)) return true;
        }
        return false;
    }

    /** Formats ascending numbers as a compact set: 1,2,3,5 as {@code 1:3,5}. */
    public static String format(List<Long> ascending) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < ascending.size()) {
            int j = i;
            while (j + 1 < ascending.size() && ascending.get(j + 1) == ascending.get(j) + 1) j++;
            if (out.length() > 0) out.append(',');
            out.append(ascending.get(i));
            if (j > i) out.append(':').append(ascending.get(j));
            i = j + 1;
        }
        return out.toString();
    }

    /**
     * The numbers of this set above {@code above} and at most {@code max} ({@code *} meaning {@code max}) that are
     * not in {@code presentAscending}, formatted as a compact set; "" when there are none. Works on ranges, never
     * number by number, so {@code 1:4294967295} costs what its gaps cost. For VANISHED (EARLIER) when expunge
     * records were pruned (RFC 7162 section 3.2.5.2): every UID the client may know that is no longer here.
     */
    public String missing(long above, long max, long[] presentAscending) {
        // The set's ranges, clipped to (above, max], sorted and merged.
        long[][] ranges = new long[lows.length][];
        int n = 0;
        for (int i = 0; i < lows.length; i++) {
            long a = lows[i] == STAR ? max : lows[i];
            long b = highs[i] == STAR ? max : highs[i];
            long lo = Math.max(Math.min(a, b), above + 1);
            long hi = Math.min(Math.max(a, b), max);
            if (lo <= hi) ranges[n++] = new long[] {lo, hi};
        }
        Arrays.sort(ranges, 0, n, (x, y) -> Long.compare(x[0], y[0]));
        StringBuilder out = new StringBuilder();
        int p = 0;
        long done = above; // everything up to here is written or excluded
        for (int r = 0; r < n; r++) {
            long lo = Math.max(ranges[r][0], done + 1);
            long hi = ranges[r][1];
            if (lo > hi) continue;
            while (p < presentAscending.length && presentAscending[p] < lo) p++;
            long from = lo;
            while (from <= hi) {
                long next = p < presentAscending.length ? presentAscending[p] : Long.MAX_VALUE;
                long to = Math.min(hi, next - 1);
                if (from <= to) {
                    if (out.length() > 0) out.append(',');
                    out.append(from);
                    if (to > from) out.append(':').append(to);
                }
                if (next > hi) break;
                from = next + 1;
                p++;
            }
            done = hi;
        }
        return out.toString();
    }

    /** The numbers of the set among {@code 1..max}, for small sets; used by tests. */
    List<Long> expand(long max) {
        List<Long> out = new ArrayList<>();
        for (long n = 1; n <= max; n++) if (contains(n, max)) out.add(n);
        return out;
    }
}

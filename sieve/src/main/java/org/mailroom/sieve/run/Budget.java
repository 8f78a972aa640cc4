package org.mailroom.sieve.run;

/**
 * The matching work one run may do, counted in characters read by the regex engine. A pattern such as
 * {@code (a+)+b} against a long run of "a" takes exponential time in a backtracking engine; reading the subject
 * through {@link #text} makes every step cost one unit, so such a match fails with a run-time error (and the
 * implicit keep) instead of holding delivery. Ten million reads is well under a second.
 */
final class Budget {

    static final long DEFAULT = 10_000_000L;

    private long left;

    Budget(long units) {
        this.left = units;
    }

    CharSequence text(String s) {
        return new Counted(s, 0, s.length());
    }

    private final class Counted implements CharSequence {
        private final String s;
        private final int from;
        private final int to;

        Counted(String s, int from, int to) {
            this.s = s;
            this.from = from;
            this.to = to;
        }

        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) throw new Exhausted();
            return s.charAt(from + index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Counted(s, from + start, from + end);
        }

        @Override
        public String toString() {
            return s.substring(from, to);
        }
    }

    /** Thrown from inside the regex engine when the budget is spent. */
    static final class Exhausted extends RuntimeException {
        Exhausted() {
            super("the matching budget of the run is spent (a pattern that backtracks too much?)", null, false, false);
        }
    }
}

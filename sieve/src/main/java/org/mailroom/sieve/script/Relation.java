package org.mailroom.sieve.script;

/** The relational operators of RFC 5231 section 4.2. */
public enum Relation {
    GT, GE, LT, LE, EQ, NE;

    public static Relation named(String s) {
        for (Relation r : values()) if (r.name().equalsIgnoreCase(s)) return r;
        return null;
    }

    public boolean holds(int comparison) {
        return switch (this) {
            case GT -> comparison > 0;
            case GE -> comparison >= 0;
            case LT -> comparison < 0;
            case LE -> comparison <= 0;
            case EQ -> comparison == 0;
            case NE -> comparison != 0;
        };
    }
}

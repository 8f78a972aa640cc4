package org.mailroom.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.MailStore.FlagOp;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.core.store.Mailbox;

/**
 * The rules for values that every backend stores the same way (embedded and PostgreSQL): names, flags and the
 * text forms of lists. One place, so that both stores, and migrate between them, agree.
 */
public final class StoreValues {

    private static final SecureRandom RANDOM = new SecureRandom();

    private StoreValues() {}

    /**
     * Expunge records kept per mailbox for QRESYNC VANISHED (RFC 7162 section 3.2.10) unless configured
     * otherwise ({@code store.expunged_kept}). Each is a few dozen octets; beyond this many, the oldest are pruned
     * and a client resynchronizing from before them is told every UID it may know that is gone (section 3.2.5.2).
     */
    public static final int DEFAULT_EXPUNGED_KEPT = 1000;

    /** Accounts are canonical addresses: lower case, never empty. */
    public static String account(String account) throws MailStoreException {
        if (account == null || account.isBlank()) throw new MailStoreException("empty account");
        return account.toLowerCase(Locale.ROOT);
    }

    /**
     * Sieve script owners are accounts or {@code "@" + domain} (a domain's global scripts), lower case like
     * accounts; script names are kept as given, never empty (RFC 5804 section 1.6 leaves the rest to ManageSieve).
     */
    public static String sieveOwner(String owner) throws MailStoreException {
        return account(owner);
    }

    public static String sieveName(String name) throws MailStoreException {
        if (name == null || name.isEmpty()) throw new MailStoreException("empty script name");
        return name;
    }

    /** INBOX in any case is INBOX (RFC 9051 section 5.1); other names are kept as given. */
    public static String mailboxName(String name) throws MailStoreException {
        if (name == null || name.isBlank()) throw new MailStoreException("empty mailbox name");
        if (name.startsWith("/") || name.endsWith("/") || name.contains("//")) {
            throw new MailStoreException("bad mailbox name: " + name);
        }
        return name.equalsIgnoreCase(Mailbox.INBOX) ? Mailbox.INBOX : name;
    }

    /**
     * IMAP flags and keywords compare case-insensitively (RFC 9051 section 2.3.2): adding {@code $junk} to a
     * message with {@code $Junk} changes nothing, and removing it removes {@code $Junk}. A flag keeps the spelling
     * it was first stored with.
     */
    public static Set<String> applyFlags(Set<String> current, FlagOp op, Set<String> given) {
        Set<String> after = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        switch (op) {
            case REPLACE -> after.addAll(given);
            case ADD -> {
                after.addAll(current);
                after.addAll(given);
            }
            case REMOVE -> {
                after.addAll(current);
                for (String flag : given) after.remove(flag); // not removeAll: it may use given's equality
            }
        }
        return new TreeSet<>(after);
    }

    /** Flags as one space-separated, sorted text: IMAP flags are atoms and never hold a space. */
    public static String encodeFlags(Set<String> flags) {
        return String.join(" ", new TreeSet<>(flags));
    }

    public static Set<String> decodeFlags(String text) {
        return text.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(text.split(" ")));
    }

    /** A queue recipient's NOTIFY as stored: null when not given, "" for NEVER, else "SUCCESS,DELAY"... */
    public static Set<Dsn.Notify> notifySet(String notify) {
        if (notify == null) return null;
        Set<Dsn.Notify> set = EnumSet.noneOf(Dsn.Notify.class);
        for (String word : notify.split(",")) if (!word.isEmpty()) set.add(Dsn.Notify.valueOf(word));
        return set;
    }

    /** Lines stored joined with "\n". */
    public static List<String> lines(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\n", -1));
    }

    /** A blob id, as every backend writes it: 32 lower-case hex digits (ids also come from admin commands). */
    public static boolean isBlobId(String id) {
        if (id == null || id.length() != 32) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    /** A blob id of 128 random bits, not guessable. */
    public static String newBlobId() {
        return HexFormat.of().formatHex(randomBytes(16));
    }

    /**
     * A blob id in time order: 12 hex digits of milliseconds, then 80 random bits (still not guessable), so that
     * the rows naming new blobs are added at the right edge of their indexes.
     */
    public static String newTimeOrderedBlobId(long epochMillis) {
        return String.format("%012x", epochMillis & 0xffff_ffff_ffffL) + HexFormat.of().formatHex(randomBytes(10));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** A queue id: time-ordered, so listings read in arrival order; random bits make it unique. */
    public static String newQueueId(Instant now) {
        return String.format("%011x%08x", now.toEpochMilli(), RANDOM.nextInt());
    }

    /** The canonical form of an address. @throws IllegalArgumentException if it is not one */
    public static String canonical(String address) {
        return MailAddress.parse(address).canonical();
    }

    /** The canonical form, or the text as given when it does not parse (queue rows keep what they were given). */
    public static String canonicalOrAsGiven(String address) {
        try {
            return MailAddress.parse(address).canonical();
        } catch (IllegalArgumentException e) {
            return address;
        }
    }

    public static String domain(String domain) {
        if (domain == null || domain.isBlank()) throw new IllegalArgumentException("empty domain");
        return domain.toLowerCase(Locale.ROOT);
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package org.mailroom.protocol.pop3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailStore;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MailboxEvent;
import org.mailroom.core.store.MessageRecord;

/**
 * A MailStore in memory, for the POP3 tests: mailboxes, delivery, listing, expunge (which deletes blobs no
 * record names any more) and the maildrop lock. What POP3 never calls throws UnsupportedOperationException.
 * {@link #failExpunge}, {@link #failListing} and {@link #failLocks} make the next calls fail, to test the error
 * replies. Like the real stores, it parses each message's MIME structure at delivery (the IMAP unit tests use it
 * too).
 */
public final class InMemoryMailStore implements MailStore {

    private static final long UID_VALIDITY = 1_700_000_000L;

    private final InMemoryBlobStore blobs;
    private final Map<Long, Box> boxes = new LinkedHashMap<>();
    private final Set<String> locked = new HashSet<>();
    private long nextMailboxId = 1;
    volatile boolean failExpunge;
    volatile boolean failListing;
    /** As a database away: the lock cannot be taken, nor can anyone tell whether it is held. */
    volatile boolean failLocks;

    private static final class Box {
        final long id;
        final String account;
        final String name;
        long uidNext = 1;
        long modSeq = 1;
        final TreeMap<Long, MessageRecord> messages = new TreeMap<>();

        Box(long id, String account, String name) {
            this.id = id;
            this.account = account;
            this.name = name;
        }

        Mailbox snapshot() {
            long size = messages.values().stream().mapToLong(MessageRecord::size).sum();
            return new Mailbox(id, account, name, UID_VALIDITY, uidNext, modSeq, messages.size(), size);
        }
    }

    private final Map<String, org.mailroom.core.mime.MessageStructure> structures =
            new java.util.concurrent.ConcurrentHashMap<>();

    public InMemoryMailStore(InMemoryBlobStore blobs) {
        this.blobs = blobs;
    }

    /** Test helper: stores the text as a blob and delivers it to the account's INBOX; returns the UID. */
    public long deliverText(String account, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        String id;
        try (BlobStore.BlobWriter writer = blobs.create()) {
            writer.write(bytes);
            id = writer.commit();
        }
        return deliver(new NewMessage(id, bytes.length, Instant.now()), List.of(Target.inbox(account))).get(0).uid();
    }

    /** Test helper: the UIDs now in the account's INBOX. */
    synchronized List<Long> inboxUids(String account) {
        Box box = find(account, Mailbox.INBOX);
        return box == null ? List.of() : new ArrayList<>(box.messages.keySet());
    }

    synchronized boolean isLocked(String account) {
        return locked.contains(account);
    }

    private Box find(String account, String name) {
        for (Box box : boxes.values()) {
            if (box.account.equals(account) && sameName(box.name, name)) return box;
        }
        return null;
    }

    private static boolean sameName(String a, String b) {
        if (a.equalsIgnoreCase(Mailbox.INBOX) && b.equalsIgnoreCase(Mailbox.INBOX)) return true;
        return a.equals(b);
    }

    @Override
    public synchronized List<Mailbox> listMailboxes(String account) {
        List<Mailbox> list = new ArrayList<>();
        for (Box box : boxes.values()) if (box.account.equals(account)) list.add(box.snapshot());
        return list;
    }

    @Override
    public synchronized Optional<Mailbox> mailbox(String account, String name) {
        Box box = find(account, name);
        return box == null ? Optional.empty() : Optional.of(box.snapshot());
    }

    @Override
    public synchronized Mailbox createMailbox(String account, String name) throws IOException {
        if (find(account, name) != null) throw new MailStoreException.AlreadyExists(name);
        String stored = name.equalsIgnoreCase(Mailbox.INBOX) ? Mailbox.INBOX : name;
        Box box = new Box(nextMailboxId++, account, stored);
        boxes.put(box.id, box);
        return box.snapshot();
    }

    @Override
    public void deleteMailbox(String account, String name) {
        throw new UnsupportedOperationException("not used by POP3");
    }

    @Override
    public void renameMailbox(String account, String from, String to) {
        throw new UnsupportedOperationException("not used by POP3");
    }

    @Override
    public Optional<org.mailroom.core.mime.MessageStructure> structure(String blobId) {
        return Optional.ofNullable(structures.get(blobId));
    }

    @Override
    public synchronized List<Placed> deliver(NewMessage message, List<Target> targets) throws IOException {
        List<Placed> placed = new ArrayList<>();
        if (!structures.containsKey(message.blobId())) {
            try (java.io.InputStream in = blobs.open(message.blobId())) {
                structures.put(message.blobId(), org.mailroom.core.mime.MessageStructure.parse(in));
            }
        }
        for (Target target : targets) {
            Box box = find(target.account(), target.mailbox());
            if (box == null) box = boxes.get(createMailbox(target.account(), target.mailbox()).id());
            long uid = box.uidNext++;
            box.modSeq++;
            box.messages.put(uid, new MessageRecord(box.id, uid, message.blobId(), message.size(),
                    message.internalDate(), target.flags(), box.modSeq));
            placed.add(new Placed(target.account(), box.id, uid));
        }
        return placed;
    }

    @Override
    public synchronized List<MessageRecord> messages(long mailboxId) throws IOException {
        if (failListing) throw new IllegalStateException("listing failure injected by the test");
        Box box = boxes.get(mailboxId);
        if (box == null) throw new MailStoreException.NotFound("mailbox " + mailboxId);
        return new ArrayList<>(box.messages.values());
    }

    @Override
    public List<MessageRecord> updateFlags(long mailboxId, Collection<Long> uids, FlagOp op, Set<String> flags) {
        throw new UnsupportedOperationException("not used by POP3");
    }

    @Override
    public synchronized void expunge(long mailboxId, Collection<Long> uids) throws IOException {
        if (failExpunge) throw new IOException("expunge failure injected by the test");
        Box box = boxes.get(mailboxId);
        if (box == null) throw new MailStoreException.NotFound("mailbox " + mailboxId);
        for (Long uid : uids) {
            MessageRecord removed = box.messages.remove(uid);
            if (removed != null && !referenced(removed.blobId())) blobs.delete(removed.blobId());
        }
        box.modSeq++;
    }

    private boolean referenced(String blobId) {
        for (Box box : boxes.values()) {
            for (MessageRecord m : box.messages.values()) if (m.blobId().equals(blobId)) return true;
        }
        return false;
    }

    @Override
    public synchronized Optional<AutoCloseable> lockMaildrop(String account) throws IOException {
        if (failLocks) throw new IOException("lock failure injected by the test");
        String key = account.toLowerCase(Locale.ROOT);
        if (!locked.add(key)) return Optional.empty();
        return Optional.of(() -> {
            synchronized (InMemoryMailStore.this) {
                locked.remove(key);
            }
        });
    }

    @Override
    public AutoCloseable subscribe(String account, Consumer<MailboxEvent> listener) {
        throw new UnsupportedOperationException("not used by POP3");
    }
}

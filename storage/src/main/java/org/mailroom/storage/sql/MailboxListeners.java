package org.mailroom.storage.sql;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.mailroom.core.store.MailboxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of this process listening to mailbox changes, by account. On its own it is the events of one
 * process (the embedded store: one server per data directory); PostgreSQL's {@code PgEvents} uses it for the
 * local half of its events.
 */
public final class MailboxListeners implements MailboxEvents {

    private static final Logger log = LoggerFactory.getLogger(MailboxListeners.class);

    private final Map<String, List<Consumer<MailboxEvent>>> listeners = new ConcurrentHashMap<>();

    @Override
    public void publish(SqlTx tx, MailboxEvent event) {
        tx.afterCommit(() -> deliver(event));
    }

    @Override
    public AutoCloseable subscribe(String account, Consumer<MailboxEvent> listener) {
        List<Consumer<MailboxEvent>> list = listeners.computeIfAbsent(account, k -> new CopyOnWriteArrayList<>());
        list.add(listener);
        return () -> list.remove(listener);
    }

    /** Tells the event to the account's listeners now; one that fails does not keep it from the others. */
    public void deliver(MailboxEvent event) {
        List<Consumer<MailboxEvent>> list = listeners.get(event.account());
        if (list == null) return;
        for (Consumer<MailboxEvent> listener : list) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.warn("Mailbox listener failed on {}", event, e);
            }
        }
    }

    /** The accounts someone listens to now. */
    public Iterable<String> accounts() {
        return listeners.entrySet().stream().filter(e -> !e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }
}

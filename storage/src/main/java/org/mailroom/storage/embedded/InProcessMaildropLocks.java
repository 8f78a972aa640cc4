package org.mailroom.storage.embedded;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mailroom.storage.sql.MaildropLocks;

/** POP3 maildrop locks in memory: one server process serves a data directory. */
final class InProcessMaildropLocks implements MaildropLocks {

    private final Set<String> locked = ConcurrentHashMap.newKeySet();

    @Override
    public Optional<AutoCloseable> tryLock(String account) {
        if (!locked.add(account)) return Optional.empty();
        return Optional.of(new AutoCloseable() {
            private boolean released;

            @Override
            public synchronized void close() {
                if (!released) {
                    released = true;
                    locked.remove(account);
                }
            }
        });
    }
}

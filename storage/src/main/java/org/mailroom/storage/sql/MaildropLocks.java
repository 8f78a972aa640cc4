package org.mailroom.storage.sql;

import java.io.IOException;
import java.util.Optional;

/** POP3's exclusive maildrop lock (RFC 1939 section 8): in one process, or across nodes. */
public interface MaildropLocks {

    /** The lock of the account (lower case), released by closing it; empty when someone else holds it. */
    Optional<AutoCloseable> tryLock(String account) throws IOException;
}

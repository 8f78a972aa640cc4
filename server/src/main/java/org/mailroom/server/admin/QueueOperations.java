package org.mailroom.server.admin;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * The actions on the outbound queue, with two transports: {@link QueueAdmin} on the queue itself, {@link RemoteAdmin}
 * through the running server's admin API (see {@link AdminOperations}).
 */
public interface QueueOperations {

    /** @see QueueAdmin#list */
    List<QueueListing.Item> list(String domain, String sender) throws IOException, AdminException;

    /** One message with its size, DSN parameters and every attempt. */
    QueueListing.Item item(String id) throws IOException, AdminException;

    void flush(String id, Instant now) throws IOException, AdminException;

    int flushAll(Instant now) throws IOException, AdminException;

    void delete(String id) throws IOException, AdminException;

    void bounce(String id) throws IOException, AdminException;
}

package org.mailroom.protocol.smtp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.mailroom.core.store.BlobStore;
import org.mailroom.mailauth.InboundAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authentication checks of a message received on port 25 (SPF, DKIM, ARC, DMARC: {@link InboundAuthenticator}),
 * at the end of its data, and the copy of it that is stored.
 *
 * <h2>One blob, read before it is kept</h2>
 * The session spools the client's bytes alone (no trace header of ours: the checks must see the message as the
 * client sent it) and does not commit them. The checks read them back from the open writer
 * ({@link BlobStore.BlobWriter#written}: the embedded store's memory buffer or temp file, PostgreSQL's temp file);
 * then, unless the message is refused, the copy to store is written as the one blob that is committed: our
 * Return-Path and Received lines, the Authentication-Results field, then the client's message without the
 * Authentication-Results fields that claim our name. The spool is then closed, which discards it: a refused
 * message never reaches the store, and an accepted one costs one commit, as without checks. The field that goes on
 * top is known only after the body has been hashed, and a blob is written front to back: hence the copy. A store
 * that cannot read a writer back has the spool committed, opened and deleted instead.
 */
final class InboundChecks {

    private static final Logger log = LoggerFactory.getLogger(InboundChecks.class);

    /**
     * What the checks decided for one message.
     *
     * @param refusal    the SMTP reply if the message is refused (550 or 451; nothing stored), else null
     * @param blobId     the committed blob to deliver (with trace and results headers), null when refused
     * @param size       its size in octets
     * @param quarantine local copies go to Junk
     * @param summary    for the log: {@code spf=pass dkim=pass dmarc=pass arc=none}
     */
    record Outcome(String refusal, String blobId, long size, boolean quarantine, String summary) {}

    private final InboundAuthenticator authenticator;
    private final BlobStore blobs;

    InboundChecks(InboundAuthenticator authenticator, BlobStore blobs) {
        this.authenticator = authenticator;
        this.blobs = blobs;
    }

    /**
     * Checks the client's message (what {@code spool} holds; the caller closes it afterwards, which throws it away)
     * and writes the copy to store, starting with {@code traceHeaders}.
     *
     * @throws IOException when the bytes cannot be read or written: the caller answers 451, nothing is stored
     */
    Outcome check(InboundAuthenticator.Inbound inbound, BlobStore.BlobWriter spool, String traceHeaders) throws IOException {
        ClientBytes client = ClientBytes.of(spool, blobs);
        try {
            InboundAuthenticator.Verdict verdict = verify(inbound, client);
            switch (verdict.action()) {
                case REJECT:
                    return new Outcome(orDefault(verdict.reply(), "550 5.7.1 Message refused by its domain's policy"),
                            null, 0, false, verdict.summary());
                case TEMPFAIL:
                    return new Outcome(orDefault(verdict.reply(), "451 4.7.0 Cannot verify the sender now, try again later"),
                            null, 0, false, verdict.summary());
                default:
                    break;
            }
            try (BlobStore.BlobWriter copy = blobs.create();
                 InputStream in = new BufferedInputStream(client.open(), 64 * 1024)) {
                copy.write(traceHeaders.getBytes(StandardCharsets.UTF_8));
                if (verdict.header() != null) copy.write(verdict.header().getBytes(StandardCharsets.UTF_8));
                int removed = AuthResultsFilter.copy(in, copy, authenticator::claimsOurId);
                if (removed > 0) log.info("removed {} incoming Authentication-Results field(s) claiming our authserv-id", removed);
                long size = copy.size();
                return new Outcome(null, copy.commit(), size,
                        verdict.action() == InboundAuthenticator.Action.QUARANTINE, verdict.summary());
            }
        } finally {
            client.discard();
        }
    }

    /**
     * The verdict; a failure inside the checks (a bug: they report bad input and DNS trouble as results) must
     * neither lose nor refuse mail, so the message is accepted without a results field and the failure logged.
     */
    private InboundAuthenticator.Verdict verify(InboundAuthenticator.Inbound inbound, ClientBytes client) throws IOException {
        try (InputStream message = client.open()) {
            try {
                return authenticator.check(inbound, message);
            } catch (RuntimeException e) {
                log.error("authentication checks failed for a message from {}", inbound.client(), e);
                return new InboundAuthenticator.Verdict(InboundAuthenticator.Action.ACCEPT, null, null, "checks failed");
            }
        }
    }

    /** The client's bytes, read back from the open spool, or (for a store that cannot) from a blob committed for it. */
    private interface ClientBytes {
        InputStream open() throws IOException;

        void discard();

        static ClientBytes of(BlobStore.BlobWriter spool, BlobStore blobs) throws IOException {
            try {
                spool.written().close();
            } catch (UnsupportedOperationException e) {
                String id = spool.commit();
                return new ClientBytes() {
                    public InputStream open() throws IOException {
                        return blobs.open(id);
                    }

                    public void discard() {
                        try {
                            blobs.delete(id);
                        } catch (IOException failed) {
                            log.warn("cannot delete blob {}: {}", id, failed.toString());
                        }
                    }
                };
            }
            return new ClientBytes() {
                public InputStream open() throws IOException {
                    return spool.written();
                }

                public void discard() {
                    // the caller closes the spool
                }
            };
        }
    }

    private static String orDefault(String reply, String fallback) {
        return reply == null || reply.isBlank() ? fallback : reply;
    }
}

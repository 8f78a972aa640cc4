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
 * <h2>The two blobs</h2>
 * The session spools the client's bytes alone (no trace header of ours: the checks must see the message as the
 * client sent it) into a first blob and commits it. The checks read it once; then, unless the message is refused,
 * the stored copy is written as a second blob: our Return-Path and Received lines, the Authentication-Results
 * field, then the client's message without the Authentication-Results fields that claim our name. The first blob
 * is deleted either way. Most mail is small enough that the embedded store keeps the first blob in memory (its
 * commit and delete cost nothing); a large one costs an extra file write and sync. The header field that goes on
 * top is known only after the body has been hashed, and a blob is written once, front to back: hence two.
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
     * Checks the client's message (the committed blob {@code clientBlob}, deleted before this returns) and writes
     * the copy to store, starting with {@code traceHeaders}.
     *
     * @throws IOException when a blob cannot be read or written: the caller answers 451, nothing is stored
     */
    Outcome check(InboundAuthenticator.Inbound inbound, String clientBlob, String traceHeaders) throws IOException {
        try {
            InboundAuthenticator.Verdict verdict = verify(inbound, clientBlob);
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
                 InputStream in = new BufferedInputStream(blobs.open(clientBlob), 64 * 1024)) {
                copy.write(traceHeaders.getBytes(StandardCharsets.UTF_8));
                if (verdict.header() != null) copy.write(verdict.header().getBytes(StandardCharsets.UTF_8));
                int removed = AuthResultsFilter.copy(in, copy, authenticator::claimsOurId);
                if (removed > 0) log.info("removed {} incoming Authentication-Results field(s) claiming our authserv-id", removed);
                long size = copy.size();
                return new Outcome(null, copy.commit(), size,
                        verdict.action() == InboundAuthenticator.Action.QUARANTINE, verdict.summary());
            }
        } finally {
            deleteQuietly(clientBlob);
        }
    }

    /**
     * The verdict; a failure inside the checks (a bug: they report bad input and DNS trouble as results) must
     * neither lose nor refuse mail, so the message is accepted without a results field and the failure logged.
     */
    private InboundAuthenticator.Verdict verify(InboundAuthenticator.Inbound inbound, String clientBlob) throws IOException {
        try (InputStream message = blobs.open(clientBlob)) {
            try {
                return authenticator.check(inbound, message);
            } catch (RuntimeException e) {
                log.error("authentication checks failed for a message from {}", inbound.client(), e);
                return new InboundAuthenticator.Verdict(InboundAuthenticator.Action.ACCEPT, null, null, "checks failed");
            }
        }
    }

    private static String orDefault(String reply, String fallback) {
        return reply == null || reply.isBlank() ? fallback : reply;
    }

    private void deleteQuietly(String blobId) {
        try {
            blobs.delete(blobId);
        } catch (IOException e) {
            log.warn("cannot delete blob {}: {}", blobId, e.toString());
        }
    }
}

package org.mailroom.protocol.smtp;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.BlobStore;

/**
 * One mail transaction of an SMTP session, from MAIL to the reply to the data (RFC 5321 section 3.3): the
 * envelope as MAIL and RCPT set it, the spool the data goes to, and the BDAT chunk being read. Set and read by
 * {@link MailCommand}, {@link RcptCommand}, {@link DataCommand}, {@link BdatCommand}, {@link Spool} and
 * {@link EndOfMessage} on the session's thread.
 */
final class MailTransaction {

    // The envelope.
    MailAddress sender;
    boolean smtpUtf8;
    boolean binaryMime;
    String envid;
    Dsn.Ret ret;
    final List<MailAddress> recipients = new ArrayList<>();
    final Map<String, Dsn.RecipientDsn> recipientDsn = new HashMap<>();
    Instant start;

    // The message being received.
    String messageId;
    BlobStore.BlobWriter spool;
    IOException spoolError;
    HeaderScanner headers;
    /** Submission only: the header section held back until it is complete (From: check, RFC 6409 fix-ups). */
    SubmissionHeaders submitted;
    String submissionRefusal;

    // The BDAT chunk being read.
    long chunkSize;
    boolean lastChunk;
    String chunkRefusal;
    long chunkedSize;

    /** Forgets the envelope and drops the spool (RSET, a new EHLO, the end of a message). */
    void reset() {
        abortSpool();
        sender = null;
        smtpUtf8 = false;
        binaryMime = false;
        envid = null;
        ret = null;
        recipients.clear();
        recipientDsn.clear();
    }

    /** Drops the message being received, if any: the spool file is removed, held header bytes released. */
    void abortSpool() {
        if (submitted != null) {
            submitted.release();
            submitted = null;
        }
        if (spool != null) {
            try {
                spool.close();
            } catch (IOException e) {
                SmtpSession.log.debug("spool close failed", e);
            }
            spool = null;
        }
    }
}

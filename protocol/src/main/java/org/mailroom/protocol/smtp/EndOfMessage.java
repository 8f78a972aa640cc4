package org.mailroom.protocol.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.mailroom.core.delivery.RecipientResult;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.mail.Envelope;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.mailauth.InboundAuthenticator;
import org.mailroom.protocol.LogText;

/**
 * The reply to the data (after DATA's {@code <CRLF>.<CRLF>} or BDAT LAST): the refusals decided while the
 * message arrived, then the inbound checks (port 25), then delivery to every recipient; "250" only once every
 * copy is durable (RFC 5321 section 6.1). One log line per message.
 */
final class EndOfMessage {

    private EndOfMessage() {}

    static void finish(SmtpSession s, long size, boolean tooBig, boolean bareLineEnding, boolean longLine) {
        MailTransaction tx = s.tx;
        s.state = SmtpSession.State.READY;
        if (tx.submitted != null && !tx.submitted.complete() && tx.spool != null) Spool.writeSubmittedHeaders(s); // no body at all
        tx.submitted = null;
        String refusal = tx.submissionRefusal;
        if (refusal != null) {
            // From: not the user's, or a header section too large: decided while spooling.
        } else if (tooBig) {
            refusal = "552 5.3.4 Error: message exceeds fixed limit of " + s.settings.maxMessageSize() + " octets";
        } else if (bareLineEnding) {
            refusal = "554 5.5.2 Error: bare <CR> or <LF> in message; lines must end with <CR><LF>";
        } else if (longLine) {
            refusal = "554 5.5.2 Error: message line longer than " + s.settings.textLineLimit() + " octets";
        } else if (tx.headers.receivedHeaders() > s.settings.maxReceivedHeaders()) {
            refusal = "554 5.4.6 Error: too many hops (" + tx.headers.receivedHeaders() + " Received headers), mail loop?";
        } else if (tx.spoolError != null) {
            SmtpSession.log.warn("id={} spool write failed: {}", tx.messageId, tx.spoolError.toString());
            refusal = "451 4.3.0 Error: cannot store message now, try again later";
        }
        if (refusal != null) {
            tx.abortSpool();
            log(s, size, refusal);
            s.reply(refusal);
        } else {
            s.reply(deliver(s, size));
        }
        s.resetTransaction();
        s.next();
    }

    /** Makes the message durable for every recipient, then says so; returns the reply to the data. */
    private static String deliver(SmtpSession s, long size) {
        MailTransaction tx = s.tx;
        Dsn dsn = tx.envid == null && tx.ret == null && tx.recipientDsn.isEmpty() ? Dsn.NONE
                : new Dsn(tx.envid, tx.ret, tx.recipientDsn);
        Envelope envelope = new Envelope(tx.messageId, tx.sender, tx.recipients, s.heloName, s.clientIp, tx.start,
                dsn, s.user);
        String blobId;
        long stored;
        String authResults = "";
        if (s.checks != null) {
            // The spool holds the client's bytes alone: the checks read them, and the copy to store is a new blob.
            InboundChecks.Outcome checked;
            try {
                checked = s.checks.check(new InboundAuthenticator.Inbound(clientAddress(s), s.heloName,
                        tx.sender == null ? "" : tx.sender.toString()), tx.spool, Spool.traceHeaders(s));
            } catch (IOException e) {
                SmtpSession.log.warn("id={} authentication checks could not read or write the message: {}",
                        tx.messageId, e.toString());
                log(s, size, "451 4.3.0 (checks: " + e + ")");
                return "451 4.3.0 Error: cannot store message now, try again later";
            } finally {
                tx.abortSpool(); // the client's bytes: read, copied or refused, never kept
            }
            authResults = " auth=" + checked.summary();
            if (checked.refusal() != null) {
                log(s, size, checked.refusal() + authResults);
                return checked.refusal();
            }
            blobId = checked.blobId();
            stored = checked.size();
            if (checked.quarantine()) envelope = envelope.quarantine();
        } else {
            stored = tx.spool.size();
            try {
                blobId = tx.spool.commit();
            } catch (IOException e) {
                SmtpSession.log.warn("id={} spool commit failed: {}", tx.messageId, e.toString());
                tx.abortSpool();
                return "451 4.3.0 Error: cannot store message now, try again later";
            }
            tx.spool = null;
        }
        List<RecipientResult> results = s.router.deliver(envelope, blobId, stored);
        long accepted = results.stream().filter(RecipientResult::accepted).count();
        boolean temporary = results.stream().anyMatch(r -> r.status() == RecipientResult.Status.TEMPORARY_FAILURE);
        String reply;
        if (temporary || accepted == 0) {
            if (accepted == 0) deleteQuietly(s, blobId);
            // Any temporary failure fails the message: the client retries all recipients. Recipients that
            // were stored may then get it twice, which is better than never.
            // A recipient whose mailbox this message would overfill is a temporary failure like any other
            // (RFC 3463 X.2.2); only the text differs when it is the only kind.
            boolean onlyFull = results.stream().filter(r -> r.status() == RecipientResult.Status.TEMPORARY_FAILURE)
                    .allMatch(RecipientResult::isMailboxFull);
            reply = !temporary ? "554 5.1.1 Error: no valid recipients"
                    : onlyFull ? "452 4.2.2 Error: mailbox full, try again later"
                    : "451 4.3.0 Error: cannot store message now, try again later";
        } else {
            s.messagesAccepted++;
            reply = "250 2.0.0 Ok: queued as " + tx.messageId;
        }
        log(s, size, reply + authResults + " " + results.stream()
                .map(r -> "<" + r.recipient() + "> " + r.status().name().toLowerCase(Locale.ROOT) + " (" + r.where() + ")")
                .collect(Collectors.joining(", ")));
        return reply;
    }

    /** The client's address for the checks (SPF's {@code <ip>}); the loopback address if the channel has none. */
    private static InetAddress clientAddress(SmtpSession s) {
        if (s.ctx.channel().remoteAddress() instanceof InetSocketAddress) {
            return ((InetSocketAddress) s.ctx.channel().remoteAddress()).getAddress();
        }
        return InetAddress.getLoopbackAddress();
    }

    /** Logs and counts the outcome of one message: called once per message that reached its end of data. */
    private static void log(SmtpSession s, long size, String result) {
        MailTransaction tx = s.tx;
        if (result.startsWith("250")) {
            Metrics.get().messageAccepted();
        } else {
            Metrics.get().messageRefused(result);
        }
        SmtpSession.log.info("id={} client={} from={} to={} size={} result={}", tx.messageId, s.clientIp,
                LogText.of(tx.sender == null ? "<>" : "<" + tx.sender + ">"),
                LogText.of(tx.recipients.stream().map(r -> "<" + r + ">").collect(Collectors.joining(","))),
                size, LogText.of(result));
    }

    private static void deleteQuietly(SmtpSession s, String blobId) {
        try {
            s.blobs.delete(blobId);
        } catch (IOException e) {
            SmtpSession.log.warn("cannot delete blob {}: {}", blobId, e.toString());
        }
    }
}

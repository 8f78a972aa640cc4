package org.mailroom.protocol.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javax.net.ssl.SSLSession;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.protocol.LogText;

/**
 * The message of a transaction on its way to the blob store, written as it arrives (never held whole): our trace
 * fields first, then the client's bytes; on submission the header section is held back until complete, checked
 * and completed (RFC 6409). A write error is remembered and answered with 451 at the end of the data.
 */
final class Spool {

    static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Spool() {}

    /**
     * Starts the spool file with our trace headers (without them when the checks must see the client's message
     * first); false (with the reply sent) if the store refuses.
     */
    static boolean open(SmtpSession s) {
        MailTransaction tx = s.tx;
        tx.messageId = QueueIds.next(s.clock);
        tx.spoolError = null;
        tx.headers = new HeaderScanner();
        tx.submissionRefusal = null;
        if (s.user != null) tx.submitted = new SubmissionHeaders();
        try {
            tx.spool = s.blobs.create();
            if (s.checks == null) tx.spool.write(traceHeaders(s).getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (IOException e) {
            SmtpSession.log.warn("id={} cannot open spool: {}", tx.messageId, e.toString());
            tx.abortSpool();
            s.reply("451 4.3.0 Error: cannot store message now, try again later");
            return false;
        }
    }

    /**
     * Return-Path (RFC 5321 section 4.4: added at final delivery; our blob serves local delivery, and the
     * outbound client drops this first line when it relays) and our Received line, with the protocol as
     * RFC 3848 and RFC 6531 name it.
     */
    static String traceHeaders(SmtpSession s) {
        MailTransaction tx = s.tx;
        boolean secure = s.tlsActive();
        String protocol = (tx.smtpUtf8 ? "UTF8SMTP" : s.esmtp ? "ESMTP" : "SMTP") + (secure ? "S" : "")
                + (s.user != null ? "A" : "");
        String client = s.auth != null && s.auth.hideClientAddress() ? "" : " ([" + s.clientIp + "])";
        String tlsComment = "";
        SslHandler ssl = s.ctx.pipeline().get(SslHandler.class);
        if (ssl != null) {
            SSLSession session = ssl.engine().getSession();
            tlsComment = "\r\n\t(using " + session.getProtocol() + " with cipher " + session.getCipherSuite() + ")";
        }
        String rcptClause = tx.recipients.size() == 1 ? "\r\n\tfor <" + tx.recipients.get(0) + ">" : "";
        return "Return-Path: " + (tx.sender == null ? "<>" : "<" + tx.sender + ">") + "\r\n"
                + "Received: from " + s.heloName + client + tlsComment + "\r\n"
                + "\tby " + s.settings.hostname() + " (Mailroom) with " + protocol + " id " + tx.messageId
                + rcptClause + ";\r\n"
                + "\t" + RFC5322_DATE.format(s.clock.instant()) + "\r\n";
    }

    /** A chunk of the message from the decoder (DATA or BDAT). */
    static void write(SmtpSession s, ByteBuf chunk) {
        MailTransaction tx = s.tx;
        if (s.state == SmtpSession.State.CHUNKING && tx.chunkRefusal != null) return; // a refused chunk is read and dropped
        if (tx.spool == null || tx.spoolError != null) return;
        tx.headers.scan(chunk);
        if (tx.submitted != null && !tx.submitted.complete()) {
            ByteBuf body = tx.submitted.offer(chunk);
            if (body == null) return; // still in the header section
            try {
                writeSubmittedHeaders(s);
                writeBytes(tx, body);
            } finally {
                body.release();
            }
            return;
        }
        writeBytes(tx, chunk);
    }

    private static void writeBytes(MailTransaction tx, ByteBuf bytes) {
        if (tx.spoolError != null) return;
        try {
            for (ByteBuffer b : bytes.nioBuffers()) tx.spool.write(b);
        } catch (IOException e) {
            tx.spoolError = e; // keep reading to the end of the data, then answer 451
        }
    }

    /**
     * The submitted header section is complete: check that From: names the user (else the message is refused
     * at its end), and add Message-ID and Date if the client left them out (RFC 6409 section 8.2 and 8.3).
     */
    static void writeSubmittedHeaders(SmtpSession s) {
        MailTransaction tx = s.tx;
        SubmissionHeaders submitted = tx.submitted;
        if (submitted.tooLarge()) {
            tx.submissionRefusal = "552 5.3.4 Error: header section larger than " + SubmissionHeaders.MAX_HEADER_BYTES + " octets";
        }
        for (String from : submitted.fields("From")) {
            for (String address : SubmissionHeaders.addresses(from)) {
                boolean mine;
                try {
                    mine = s.owns(MailAddress.parse(address));
                } catch (IllegalArgumentException e) {
                    mine = false;
                }
                if (!mine && tx.submissionRefusal == null) {
                    tx.submissionRefusal = "553 5.7.1 From: header address <" + LogText.of(address)
                            + "> not owned by user " + s.user;
                }
            }
        }
        StringBuilder added = new StringBuilder();
        if (submitted.fields("Message-ID").isEmpty()) {
            added.append("Message-ID: <").append(tx.messageId).append('.').append(s.clock.millis()).append('@')
                 .append(s.settings.hostname()).append(">\r\n");
        }
        if (submitted.fields("Date").isEmpty()) {
            added.append("Date: ").append(RFC5322_DATE.format(s.clock.instant())).append("\r\n");
        }
        writeBytes(tx, Unpooled.wrappedBuffer(added.toString().getBytes(StandardCharsets.UTF_8)));
        writeBytes(tx, submitted.held());
        submitted.release();
    }
}

package org.mailroom.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.mailroom.core.delivery.RecipientResult;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.mail.Envelope;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery status notifications to the sender (RFC 3464): a {@code multipart/report} with a human part, the
 * {@code message/delivery-status} part (one block per recipient: Final-Recipient, Action, Status with its
 * RFC 3463 code, Remote-MTA, Diagnostic-Code) and the original message or only its headers (RET, RFC 3461
 * section 4.3). Sent from {@code <>} through the normal {@link Router}: a local sender finds it in the INBOX,
 * a remote one gets it through the queue.
 *
 * <p>Never a notice about a message from {@code <>} (RFC 5321 section 4.5.5: that is how bounce loops are
 * avoided). Who hears what (RFC 3461 section 4.1): without NOTIFY, failures and delays are reported; with
 * NOTIFY, only what it names; NOTIFY=NEVER nothing.
 */
public final class Bounces {

    public enum Action { FAILED, DELAYED, DELIVERED, RELAYED }

    /** One recipient's block in the report. */
    public record Report(String recipient, Action action, String status, String diagnostic, String remoteMta) {}

    private static final Logger log = LoggerFactory.getLogger(Bounces.class);
    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Router router;
    private final BlobStore blobs;
    private final String hostname;
    private final Clock clock;

    public Bounces(Router router, BlobStore blobs, String hostname, Clock clock) {
        this.router = router;
        this.blobs = blobs;
        this.hostname = hostname;
        this.clock = clock;
    }

    /** Whether the sender wants to hear of this action for this recipient. */
    public static boolean wanted(MailQueue.Entry entry, String recipient, Action action) {
        if (entry.sender() == null) return false;
        Dsn.RecipientDsn dsn = entry.dsn().recipients().get(RemoteDelivery.canonical(recipient));
        if (dsn == null || dsn.notifyOn() == null) return action == Action.FAILED || action == Action.DELAYED;
        switch (action) {
            case FAILED: return dsn.notifyOn().contains(Dsn.Notify.FAILURE);
            case DELAYED: return dsn.notifyOn().contains(Dsn.Notify.DELAY);
            default: return dsn.notifyOn().contains(Dsn.Notify.SUCCESS);
        }
    }

    /**
     * Sends one notice about {@code entry} with the reports the sender asked for (others are dropped).
     *
     * @param retryUntil for delay notices, when we give up; else null
     * @return true if a notice was handed to the router (or none was due)
     */
    public boolean send(MailQueue.Entry entry, List<Report> reports, Instant retryUntil) {
        List<Report> due = new ArrayList<>();
        for (Report r : reports) if (wanted(entry, r.recipient(), r.action())) due.add(r);
        if (due.isEmpty()) return true;
        MailAddress to;
        try {
            to = MailAddress.parse(entry.sender());
        } catch (IllegalArgumentException e) {
            log.warn("queue={} no notice: sender {} is not an address", entry.id(), entry.sender());
            return true;
        }
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String blobId;
        long size;
        try (BlobStore.BlobWriter writer = blobs.create()) {
            byte[] bytes = compose(entry, due, retryUntil, now, id);
            writer.write(bytes);
            size = bytes.length;
            blobId = writer.commit();
        } catch (IOException e) {
            log.warn("queue={} cannot write notice: {}", entry.id(), e.toString());
            return false;
        }
        Envelope envelope = new Envelope(id, null, List.of(to), hostname, "127.0.0.1", now);
        List<RecipientResult> results = router.deliver(envelope, blobId, size);
        boolean accepted = results.stream().anyMatch(RecipientResult::accepted);
        if (!accepted) {
            try {
                blobs.delete(blobId); // nothing refers to it
            } catch (IOException ignored) {
                // a leaked file loses nothing
            }
        }
        log.info("queue={} notice id={} ({}) to <{}>: {}", entry.id(), id, due.get(0).action(), to,
                results.isEmpty() ? "-" : results.get(0).where());
        return accepted;
    }

    /** Gives up on every pending recipient at once (expiry, {@code mailroom queue bounce}). */
    public void giveUp(MailQueue queue, MailQueue.Entry entry, String status, String reason) throws IOException {
        List<Report> reports = new ArrayList<>();
        List<MailQueue.Outcome> outcomes = new ArrayList<>();
        for (MailQueue.Recipient r : entry.recipients()) {
            if (r.state() != MailQueue.RecipientState.PENDING) continue;
            String diagnostic = r.lastReply() == null ? reason : reason + "; last reply: " + r.lastReply();
            reports.add(new Report(r.address(), Action.FAILED, status, diagnostic, null));
            outcomes.add(new MailQueue.Outcome(r.address(), MailQueue.RecipientState.FAILED, reason));
        }
        send(entry, reports, null);
        Instant now = clock.instant();
        queue.recordAttempt(entry.id(), outcomes, now, reason, List.of(new MailQueue.Attempt(now, "-", List.of(),
                null, "none", List.of(), "gave up: " + reason)));
    }

    byte[] compose(MailQueue.Entry entry, List<Report> reports, Instant retryUntil, Instant now, String id)
            throws IOException {
        Action kind = reports.get(0).action();
        String boundary = "=_report_" + id;
        String subject;
        String intro;
        switch (kind) {
            case FAILED:
                subject = "Undelivered Mail Returned to Sender";
                intro = "Your message could not be delivered to one or more recipients. It is attached below.";
                break;
            case DELAYED:
                subject = "Delayed Mail (still being retried)";
                intro = "Your message has not been delivered yet to one or more recipients. We keep trying until "
                        + RFC5322_DATE.format(retryUntil) + "; you need not send it again.";
                break;
            default:
                subject = "Successful Mail Delivery Report";
                intro = "Your message was delivered to the recipients below, as you asked to be told.";
        }
        StringBuilder m = new StringBuilder();
        m.append("Return-Path: <>\r\n");
        m.append("From: Mail Delivery System <MAILER-DAEMON@").append(hostname).append(">\r\n");
        m.append("To: <").append(entry.sender()).append(">\r\n");
        m.append("Subject: ").append(subject).append("\r\n");
        m.append("Date: ").append(RFC5322_DATE.format(now)).append("\r\n");
        m.append("Message-ID: <").append(id).append(".dsn@").append(hostname).append(">\r\n");
        m.append("Auto-Submitted: auto-replied\r\n"); // RFC 3834: no automatic answers to this
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"")
                .append(boundary).append("\"\r\n\r\n");
        m.append("This is a MIME-encapsulated message.\r\n\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        m.append("This is the mail system at ").append(hostname).append(".\r\n\r\n").append(intro).append("\r\n\r\n");
        for (Report r : reports) {
            m.append("<").append(r.recipient()).append(">: ").append(r.diagnostic()).append("\r\n");
        }
        m.append("\r\n--").append(boundary).append("\r\n");
        m.append("Content-Type: message/delivery-status\r\n\r\n");
        // RFC 3464 section 2.2: per-message fields, then one block per recipient after a blank line.
        m.append("Reporting-MTA: dns; ").append(hostname).append("\r\n");
        if (entry.dsn().envid() != null) m.append("Original-Envelope-Id: ").append(entry.dsn().envid()).append("\r\n");
        m.append("Arrival-Date: ").append(RFC5322_DATE.format(entry.created())).append("\r\n");
        for (Report r : reports) {
            m.append("\r\n");
            m.append("Final-Recipient: rfc822; ").append(r.recipient()).append("\r\n");
            Dsn.RecipientDsn dsn = entry.dsn().recipients().get(RemoteDelivery.canonical(r.recipient()));
            if (dsn != null && dsn.orcpt() != null) m.append("Original-Recipient: ").append(orcpt(dsn.orcpt())).append("\r\n");
            m.append("Action: ").append(r.action().name().toLowerCase(Locale.ROOT)).append("\r\n");
            m.append("Status: ").append(r.status()).append("\r\n");
            if (r.remoteMta() != null) m.append("Remote-MTA: dns; ").append(r.remoteMta()).append("\r\n");
            if (r.diagnostic() != null && r.diagnostic().matches("^\\d{3} .*")) {
                m.append("Diagnostic-Code: smtp; ").append(oneLine(r.diagnostic())).append("\r\n");
            } else if (r.diagnostic() != null) {
                m.append("Diagnostic-Code: X-Mailroom; ").append(oneLine(r.diagnostic())).append("\r\n");
            }
            m.append("Last-Attempt-Date: ").append(RFC5322_DATE.format(now)).append("\r\n");
            if (retryUntil != null) m.append("Will-Retry-Until: ").append(RFC5322_DATE.format(retryUntil)).append("\r\n");
        }
        boolean headersOnly = entry.dsn().ret() == Dsn.Ret.HDRS || kind != Action.FAILED
                || blobs.size(entry.blobId()) > FULL_RETURN_MAX;
        m.append("\r\n--").append(boundary).append("\r\n");
        m.append(headersOnly ? "Content-Type: text/rfc822-headers\r\n\r\n" : "Content-Type: message/rfc822\r\n\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(m.toString().getBytes(StandardCharsets.UTF_8));
        out.write(original(entry.blobId(), headersOnly));
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /**
     * A failure report returns the whole original (RET=FULL) only up to this size, else its header alone
     * (text/rfc822-headers), as Postfix does past its bounce_size_limit: a 35 MiB message would otherwise be
     * copied whole into memory and sent back to a sender who has it already.
     */
    static final long FULL_RETURN_MAX = 1024 * 1024;

    /** At most this much of the original is read for a header-only return. */
    private static final int HEADER_RETURN_MAX = 256 * 1024;

    /** The original as stored, without our Return-Path line, in CRLF lines; only the header when asked. */
    private byte[] original(String blobId, boolean headersOnly) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = blobs.open(blobId)) {
            byte[] all = headersOnly ? in.readNBytes(HEADER_RETURN_MAX) : in.readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1); // byte-preserving
            if (text.regionMatches(true, 0, "Return-Path:", 0, 12)) {
                int lf = text.indexOf('\n');
                text = lf < 0 ? "" : text.substring(lf + 1);
            }
            if (headersOnly) {
                int end = text.indexOf("\r\n\r\n");
                if (end < 0) end = Math.max(0, text.lastIndexOf("\r\n")); // a header longer than we return
                text = text.substring(0, end + 2);
            }
            if (!text.endsWith("\r\n")) text += "\r\n";
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    /** ORCPT is "type;xtext-decoded address" here; the report writes it as "type; address". */
    private static String orcpt(String orcpt) {
        int semicolon = orcpt.indexOf(';');
        return semicolon < 0 ? "rfc822; " + orcpt : orcpt.substring(0, semicolon) + "; " + orcpt.substring(semicolon + 1);
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n]+", " ");
    }
}

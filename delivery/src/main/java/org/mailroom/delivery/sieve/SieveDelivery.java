package org.mailroom.delivery.sieve;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.mailroom.core.delivery.RecipientResult;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.delivery.Srs;
import org.mailroom.core.mail.Envelope;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.Mailbox;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStore;
import org.mailroom.delivery.Bounces;
import org.mailroom.sieve.SieveAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what an account's scripts decided, for {@code LocalDelivery}, in three steps around its one durable
 * store commit:
 * <ol>
 *   <li>{@link #plan}: run the scripts ({@link SieveRunner}); work out the mailbox copies (a fileinto of a mailbox
 *       that does not exist, without {@code :create}, goes to the INBOX: nothing is lost for a typo) and, when the
 *       script edited the header, write the edited message as a new blob for this account's copies.</li>
 *   <li>{@link #redirect}: before the copies are stored, hand the redirected copies to the router (other hosts:
 *       the outbound queue, with an SRS reverse path; our own domains: local delivery). A temporary failure there
 *       fails the recipient temporarily, as a store failure does, so the sender retries and nothing is lost.</li>
 *   <li>{@link #afterStored}: vacation replies, reject notices and the note about a failed script. These never
 *       fail the delivery: the message is stored by then, and a lost auto-reply loses no mail.</li>
 * </ol>
 *
 * <p>Loops: a redirected copy gets a {@code Delivered-To: <account>} field on top. A message that already has one
 * for this account passed through it before and is not redirected again; nor is a redirect to the account itself
 * or one of its aliases. Either way the copy is kept in the INBOX instead, as it is when the router refuses a
 * redirect for good. At most {@code maxRedirects} redirects per run are sent (the others are logged).
 */
public final class SieveDelivery {

    private static final Logger log = LoggerFactory.getLogger(SieveDelivery.class);
    /** The header of a message is read this far when looking for our Delivered-To fields. */
    private static final int HEADER_READ_MAX = 256 * 1024;
    /** At most one note per account in this period about a failing script. */
    static final Duration NOTE_PERIOD = Duration.ofHours(1);
    private static final String NOTE_KEY = "mailroom:script-failure-note";

    /** One copy for a mailbox of the account. */
    public record Copy(String mailbox, Set<String> flags) {}

    /**
     * What happens to one account's copy of a message.
     *
     * @param originalBlob the message as received
     * @param blobId   the blob its mailbox copies refer to: the message as received, or the edited one
     * @param redirectBlob the copy to redirect (edited, with our Delivered-To on top), or null
     * @param written  blobs this plan wrote (to delete if the delivery fails)
     * @param copies   the mailboxes it goes into; empty when discarded or only redirected
     * @param redirects where copies go on to
     */
    public record Plan(String account, String envelopeTo, String originalBlob, String blobId, long size,
                       String redirectBlob, List<String> written,
                       List<Copy> copies, List<String> redirects, List<SieveAction.Vacation> vacations,
                       List<SieveAction.Reject> rejects, List<String> errors) {

        /** For the log and the recipient's result. */
        public String summary() {
            List<String> parts = new ArrayList<>();
            if (copies.isEmpty() && redirects.isEmpty() && rejects.isEmpty()) parts.add("discarded by sieve");
            if (!redirects.isEmpty()) parts.add("redirected by sieve to " + String.join(",", redirects));
            if (!rejects.isEmpty()) parts.add("rejected by sieve");
            if (!vacations.isEmpty()) parts.add("vacation reply");
            if (!errors.isEmpty()) parts.add("sieve failed, kept");
            return String.join(", ", parts);
        }
    }

    private final SieveRunner runner;
    private final Router router;
    private final MailStore store;
    private final BlobStore blobs;
    private final Directory directory;
    private final Srs srs;
    private final String hostname;
    private final int maxRedirects;
    private final Clock clock;
    private volatile Bounces notices;

    public SieveDelivery(SieveRunner runner, Router router, MailStore store, BlobStore blobs, Directory directory,
                         Srs srs, String hostname, int maxRedirects, Clock clock) {
        this.runner = runner;
        this.router = router;
        this.store = store;
        this.blobs = blobs;
        this.directory = directory;
        this.srs = srs;
        this.hostname = hostname;
        this.maxRedirects = maxRedirects;
        this.clock = clock;
    }

    /** Reject notices go through this (set once the bounces exist). */
    public void sendNoticesWith(Bounces bounces) {
        this.notices = bounces;
    }

    /**
     * Runs the account's scripts and works out its copies.
     *
     * @return empty when the account and its domain have no script (the caller delivers to the INBOX as usual)
     * @throws IOException when the scripts, the store or the blob cannot be read or written (fail temporarily)
     */
    public Optional<Plan> plan(Envelope envelope, String account, String envelopeTo, String blobId, long size)
            throws IOException {
        String from = envelope.isNullSender() ? "" : envelope.sender().toString();
        Optional<SieveRunner.Decision> decided = runner.run(account, from, envelopeTo, blobId, size);
        if (decided.isEmpty()) return Optional.empty();
        SieveRunner.Decision d = decided.get();
        for (String error : d.errors()) log.warn("id={} account={} sieve: {} (message kept)", envelope.id(), account, error);

        Map<String, Set<String>> mailboxes = new LinkedHashMap<>(); // one copy per mailbox, flags merged
        List<String> redirects = new ArrayList<>();
        List<SieveAction.Vacation> vacations = new ArrayList<>();
        List<SieveAction.Reject> rejects = new ArrayList<>();
        boolean keepInstead = false;
        Set<String> mine = null;
        Boolean passedHere = null;
        for (SieveAction action : d.actions()) {
            if (action instanceof SieveAction.Keep) {
                merge(mailboxes, Mailbox.INBOX, ((SieveAction.Keep) action).flags());
            } else if (action instanceof SieveAction.FileInto) {
                SieveAction.FileInto f = (SieveAction.FileInto) action;
                merge(mailboxes, existingOrInbox(account, f), f.flags());
            } else if (action instanceof SieveAction.Redirect) {
                String to = ((SieveAction.Redirect) action).address();
                if (mine == null) mine = addresses(account);
                if (passedHere == null) passedHere = passedThrough(blobId, account);
                if (mine.contains(to.toLowerCase(Locale.ROOT)) || passedHere) {
                    log.info("id={} account={} sieve redirect to <{}> not sent: it would loop (kept instead)",
                            envelope.id(), account, to);
                    keepInstead = true;
                } else if (redirects.size() >= maxRedirects) {
                    log.warn("id={} account={} sieve redirect to <{}> not sent: more than {} in one run",
                            envelope.id(), account, to, maxRedirects);
                } else if (!redirects.contains(to)) {
                    redirects.add(to);
                }
            } else if (action instanceof SieveAction.Vacation) {
                vacations.add((SieveAction.Vacation) action);
            } else if (action instanceof SieveAction.Reject) {
                rejects.add((SieveAction.Reject) action);
            }
        }
        if (keepInstead && mailboxes.isEmpty()) merge(mailboxes, Mailbox.INBOX, Set.of());
        List<Copy> copies = new ArrayList<>();
        mailboxes.forEach((name, flags) -> copies.add(new Copy(name, flags)));

        String copyBlob = blobId;
        long copySize = size;
        List<String> written = new ArrayList<>();
        if (!d.edits().isEmpty() && !copies.isEmpty()) {
            byte[] edited = HeaderEditor.apply(readAll(blobId), d.edits());
            copyBlob = write(edited);
            copySize = edited.length;
            written.add(copyBlob);
        }
        String redirectBlob = null;
        if (!redirects.isEmpty()) {
            // The edits apply to redirected copies too; the Delivered-To on top is what stops a loop.
            byte[] base = d.edits().isEmpty() ? readAll(blobId) : HeaderEditor.apply(readAll(blobId), d.edits());
            redirectBlob = write(withDeliveredTo(base, account));
            written.add(redirectBlob);
        }
        if (copies.isEmpty() && redirects.isEmpty() && rejects.isEmpty()) {
            log.info("id={} account={} discarded by sieve", envelope.id(), account);
        }
        return Optional.of(new Plan(account, envelopeTo, blobId, copyBlob, copySize, redirectBlob, written, copies,
                redirects, vacations, rejects, d.errors()));
    }

    /**
     * Sends the plan's redirected copies (the last blob it wrote). A recipient the router refuses for good
     * (a redirect to an unknown user of ours) is logged, and the copy kept in the INBOX instead.
     *
     * @return the plan, with an INBOX copy added if a redirect failed for good and nothing else keeps the message
     * @throws IOException if the router failed temporarily (the caller fails the delivery temporarily)
     */
    public Plan redirect(Envelope envelope, Plan plan) throws IOException {
        if (plan.redirects().isEmpty()) return plan;
        String blobId = plan.redirectBlob();
        List<MailAddress> to = new ArrayList<>();
        for (String r : plan.redirects()) {
            try {
                to.add(MailAddress.parse(r));
            } catch (IllegalArgumentException e) {
                log.warn("id={} account={} sieve redirect to bad address <{}> skipped", envelope.id(), plan.account(), r);
            }
        }
        boolean failedForGood = to.size() < plan.redirects().size();
        if (!to.isEmpty()) {
            MailAddress sender = reversePath(envelope.sender(), plan.account());
            Envelope forward = new Envelope(envelope.id() + ".r" + shortId(), sender, to, hostname, "127.0.0.1",
                    clock.instant(), envelope.dsn(), null, false);
            List<RecipientResult> results = router.deliver(forward, blobId, blobs.size(blobId));
            for (RecipientResult r : results) {
                if (r.status() == RecipientResult.Status.TEMPORARY_FAILURE) {
                    throw new IOException("redirect to <" + r.recipient() + ">: " + r.where());
                }
                if (r.status() == RecipientResult.Status.PERMANENT_FAILURE) failedForGood = true;
            }
            log.info("id={} account={} sieve redirect from {} to {}: {}", envelope.id(), plan.account(),
                    forward.reversePath(), to, results.stream().map(RecipientResult::where).toList());
        }
        if (failedForGood && plan.copies().isEmpty()) {
            List<Copy> inbox = List.of(new Copy(Mailbox.INBOX, Set.of()));
            return new Plan(plan.account(), plan.envelopeTo(), plan.originalBlob(), plan.blobId(), plan.size(),
                    plan.redirectBlob(), plan.written(), inbox, plan.redirects(), plan.vacations(), plan.rejects(),
                    plan.errors());
        }
        return plan;
    }

    /**
     * The reverse path of a copy this account sends on: the null sender stays null, a sender of our own domains
     * is kept (our SPF covers it), any other is rewritten with SRS into the account's domain.
     */
    public MailAddress reversePath(MailAddress sender, String account) throws IOException {
        return forwardingSender(srs, directory, sender, account.substring(account.lastIndexOf('@') + 1), clock.instant());
    }

    /** See {@link #reversePath}; shared with alias forwards, which have no script. */
    public static MailAddress forwardingSender(Srs srs, Directory directory, MailAddress sender, String forwardingDomain,
                                               Instant now) throws IOException {
        if (sender == null || srs == null) return sender;
        if (directory.isLocalDomain(sender.domain())) return sender;
        return srs.forward(sender, forwardingDomain, now);
    }

    /** Vacation replies, reject notices, the note about a failed script: after the copies are stored. */
    public void afterStored(Envelope envelope, Plan plan, MailAddress rcpt) {
        for (SieveAction.Vacation v : plan.vacations()) sendVacation(envelope, plan, v);
        if (!plan.rejects().isEmpty()) sendRejectNotice(envelope, plan, rcpt, plan.rejects().get(0));
        if (!plan.errors().isEmpty()) noteFailure(envelope, plan);
    }

    /** Deletes what the plan wrote, after a failed delivery (nothing refers to those blobs). */
    public void discard(Plan plan) {
        for (String id : plan.written()) {
            try {
                blobs.delete(id);
            } catch (IOException ignored) {
                // a leaked file loses nothing
            }
        }
    }

    private void sendVacation(Envelope envelope, Plan plan, SieveAction.Vacation v) {
        try {
            MailAddress to = MailAddress.parse(v.to());
            Instant now = clock.instant();
            byte[] reply = AutoMessages.vacation(v, hostname, now);
            String blobId = write(reply);
            // RFC 5230 section 5.1: from the null reverse path, so that no bounce of the reply comes back.
            Envelope out = new Envelope(envelope.id() + ".v" + shortId(), null, List.of(to), hostname, "127.0.0.1", now);
            List<RecipientResult> results = router.deliver(out, blobId, reply.length);
            if (results.stream().noneMatch(RecipientResult::accepted)) blobs.delete(blobId);
            log.info("id={} account={} vacation reply to <{}>: {}", envelope.id(), plan.account(), to,
                    results.isEmpty() ? "-" : results.get(0).where());
        } catch (IOException | IllegalArgumentException e) {
            log.warn("id={} account={} vacation reply to <{}> not sent: {}", envelope.id(), plan.account(), v.to(),
                    e.toString());
        }
    }

    /**
     * reject and ereject (RFC 5429): the SMTP reply has been given for every recipient at once by now, so both
     * become a delivery status notice to the sender (section 2.1.1 allows a DSN) saying the recipient's filter
     * refused the message, with the reason. Never to the null sender.
     */
    private void sendRejectNotice(Envelope envelope, Plan plan, MailAddress rcpt, SieveAction.Reject reject) {
        Bounces bounces = notices;
        if (envelope.isNullSender()) {
            log.info("id={} account={} rejected by sieve; no notice to the null sender", envelope.id(), plan.account());
            return;
        }
        if (bounces == null) {
            log.warn("id={} account={} rejected by sieve; notices are off", envelope.id(), plan.account());
            return;
        }
        MailQueue.Entry about = new MailQueue.Entry(envelope.id(), plan.originalBlob(), envelope.sender().toString(),
                List.of(new MailQueue.Recipient(rcpt.toString(), MailQueue.RecipientState.FAILED, null)),
                envelope.received(), envelope.received(), 0, null, envelope.dsn(), false, List.of());
        String reason = reject.reason().replaceAll("[\r\n]+", " ").strip();
        bounces.send(about, List.of(new Bounces.Report(rcpt.toString(), Bounces.Action.FAILED, "5.7.1",
                "550 5.7.1 rejected by the recipient's filter: " + reason, null)), null);
    }

    private void noteFailure(Envelope envelope, Plan plan) {
        try {
            Instant now = clock.instant();
            if (runner.scripts().seenBefore(plan.account(), NOTE_KEY, NOTE_PERIOD, now)) return;
            byte[] note = AutoMessages.scriptFailed(plan.account(), String.join("; ", plan.errors()),
                    "from " + envelope.reversePath() + ", id " + envelope.id(), hostname, now);
            String blobId = write(note);
            store.deliver(new MailStore.NewMessage(blobId, note.length, now), List.of(MailStore.Target.inbox(plan.account())));
        } catch (IOException | RuntimeException e) {
            log.warn("id={} account={} note about the failed script not stored: {}", envelope.id(), plan.account(),
                    e.toString());
        }
    }

    private Set<String> addresses(String account) throws IOException {
        Set<String> mine = new LinkedHashSet<>();
        mine.add(account.toLowerCase(Locale.ROOT));
        for (Directory.AliasEntry alias : directory.aliases()) {
            if (alias.target().equalsIgnoreCase(account)) mine.add(alias.source().toLowerCase(Locale.ROOT));
        }
        return mine;
    }

    /** Whether the message already carries our Delivered-To field for this account (it was redirected by it). */
    private boolean passedThrough(String blobId, String account) throws IOException {
        byte[] head;
        try (InputStream in = blobs.open(blobId)) {
            head = in.readNBytes(HEADER_READ_MAX);
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String header = text.substring(0, HeaderEditor.headerEnd(text));
        for (String line : header.split("\r?\n")) {
            if (line.regionMatches(true, 0, "Delivered-To:", 0, 13)
                    && line.substring(13).strip().replaceAll("^<|>$", "").equalsIgnoreCase(account)) {
                return true;
            }
        }
        return false;
    }

    /** The message with {@code Delivered-To: account} after our Return-Path line (RFC 9228 section 4). */
    private static byte[] withDeliveredTo(byte[] message, String account) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int at = 0;
        if (text.regionMatches(true, 0, "Return-Path:", 0, 12)) at = text.indexOf('\n') + 1;
        return (text.substring(0, at) + "Delivered-To: " + account + "\r\n" + text.substring(at))
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private String existingOrInbox(String account, SieveAction.FileInto f) throws IOException {
        String name = DeliveryEnvironment.MailboxNames.of(f.mailbox());
        if (name.equals(Mailbox.INBOX) || f.create()) return name; // the store makes a missing target mailbox
        if (store.mailbox(account, name).isPresent()) return name;
        log.info("account={} sieve fileinto \"{}\": no such mailbox, INBOX instead", account, name);
        return Mailbox.INBOX;
    }

    private static void merge(Map<String, Set<String>> mailboxes, String mailbox, Set<String> flags) {
        mailboxes.computeIfAbsent(mailbox, m -> new LinkedHashSet<>()).addAll(SystemFlags.normalize(flags));
    }

    private byte[] readAll(String blobId) throws IOException {
        try (InputStream in = blobs.open(blobId)) {
            return in.readAllBytes();
        }
    }

    private String write(byte[] bytes) throws IOException {
        try (BlobStore.BlobWriter writer = blobs.create()) {
            writer.write(bytes);
            return writer.commit();
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}

package org.mailroom.core.delivery;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mailroom.core.mail.Envelope;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.Quota;

/**
 * Decides, per recipient, whether a message stays here or goes to another host, and hands it to the
 * agent for each: local delivery for our domains, the outbound queue for the rest.
 *
 * <p>Relaying is decided by the caller ({@code mayRelay}): an authenticated submission may relay, mail
 * arriving on port 25 may not. That one flag is what keeps Mailroom from being an open relay.
 */
public final class Router {

    /** The answer to RCPT TO; MAILBOX_FULL: every account the recipient reaches is at its quota already. */
    public enum Decision { LOCAL, REMOTE, UNKNOWN_USER, RELAY_DENIED, MAILBOX_FULL }

    private final Directory directory;
    private final RecipientResolver resolver;
    private final DeliveryAgent local;
    private final DeliveryAgent remote;
    /** Null for none. */
    private final Quota quota;
    /** Bounces to our SRS addresses go back to the original sender; null: SRS addresses are unknown users. */
    private volatile Srs srs;
    private volatile Clock clock = Clock.systemUTC();

    public Router(Directory directory, DeliveryAgent local, DeliveryAgent remote) {
        this(directory, local, remote, null);
    }

    /** @param quota the per-account storage limit that RCPT TO already checks; null for none */
    public Router(Directory directory, DeliveryAgent local, DeliveryAgent remote, Quota quota) {
        this.directory = directory;
        this.resolver = new RecipientResolver(directory);
        this.local = local;
        this.remote = remote;
        this.quota = quota;
    }

    /**
     * From now on, a recipient that is one of our SRS addresses (see {@link Srs}) with a good hash and age stands
     * for the original sender it names: the bounce of a message we forwarded goes back to whoever sent it.
     */
    public void reverseSrsWith(Srs srs, Clock clock) {
        this.clock = clock;
        this.srs = srs;
    }

    /**
     * The answer to RCPT TO. A local recipient whose accounts are all at their quota (and who forwards nowhere)
     * is MAILBOX_FULL here already, so that the client keeps only that recipient for later and the others get
     * the message now; the message's size is not known yet, so one that would not fit is refused at delivery.
     */
    public Decision check(MailAddress recipient, boolean mayRelay) throws IOException {
        Srs reversing = srs;
        if (reversing != null && Srs.looksLikeSrs(recipient) && directory.isLocalDomain(recipient.domain())) {
            // Ours or made up: a bad hash or an old stamp names nobody (550 5.1.1), a good one is our own
            // forward's reverse path, which we take back to the original sender wherever that is.
            Optional<MailAddress> original = reversing.reverse(recipient, clock.instant());
            if (original.isEmpty()) return Decision.UNKNOWN_USER;
            return checkPlain(original.get(), true);
        }
        return checkPlain(recipient, mayRelay);
    }

    private Decision checkPlain(MailAddress recipient, boolean mayRelay) throws IOException {
        Optional<RecipientResolver.Resolution> found = resolver.resolveIfLocal(recipient);
        if (found.isEmpty()) return mayRelay ? Decision.REMOTE : Decision.RELAY_DENIED;
        RecipientResolver.Resolution resolution = found.get();
        if (resolution.isEmpty()) return Decision.UNKNOWN_USER;
        if (quota != null && quota.limited() && resolution.forwards().isEmpty()) {
            boolean allFull = true;
            for (String account : resolution.accounts()) allFull &= quota.full(account);
            if (allFull) return Decision.MAILBOX_FULL;
        }
        return Decision.LOCAL;
    }

    /**
     * The local domain that stands for this host in {@code <postmaster>} (RFC 5321 section 4.5.1) and in
     * address literals of our own IP addresses: the host name when it is a local domain, else the first local
     * domain in alphabetical order, else the host name.
     */
    public String primaryDomain(String hostname) throws IOException {
        if (directory.isLocalDomain(hostname)) return hostname;
        return directory.domains().stream().sorted().findFirst().orElse(hostname);
    }

    /** Delivers to every recipient of the envelope: one result per recipient, local ones first. */
    public List<RecipientResult> deliver(Envelope envelope, String blobId, long size) {
        envelope = withSrsReversed(envelope);
        List<MailAddress> locals = new ArrayList<>();
        List<MailAddress> remotes = new ArrayList<>();
        List<RecipientResult> results = new ArrayList<>();
        // Recipients mostly share a domain or two: each is asked of the directory once per message.
        Map<String, Boolean> localDomain = new HashMap<>();
        for (MailAddress rcpt : envelope.recipients()) {
            try {
                Boolean local = localDomain.get(rcpt.domain());
                if (local == null) {
                    local = isLocal(rcpt);
                    localDomain.put(rcpt.domain(), local);
                }
                (local ? locals : remotes).add(rcpt);
            } catch (IOException e) {
                results.add(new RecipientResult(rcpt, RecipientResult.Status.TEMPORARY_FAILURE, "directory: " + e));
            }
        }
        if (!locals.isEmpty()) results.addAll(local.deliver(envelope, blobId, size, locals));
        if (!remotes.isEmpty()) results.addAll(remote.deliver(envelope, blobId, size, remotes));
        return results;
    }

    /** The envelope with each of our valid SRS recipients replaced by the original sender it stands for. */
    private Envelope withSrsReversed(Envelope envelope) {
        Srs reversing = srs;
        if (reversing == null || envelope.recipients().stream().noneMatch(Srs::looksLikeSrs)) return envelope;
        List<MailAddress> rewritten = new ArrayList<>();
        for (MailAddress rcpt : envelope.recipients()) {
            MailAddress to = rcpt;
            try {
                if (Srs.looksLikeSrs(rcpt) && directory.isLocalDomain(rcpt.domain())) {
                    to = reversing.reverse(rcpt, clock.instant()).orElse(rcpt);
                }
            } catch (IOException e) {
                // Left as it is: local delivery finds nobody of that name and says so.
            }
            rewritten.add(to);
        }
        return new Envelope(envelope.id(), envelope.sender(), rewritten, envelope.heloName(), envelope.clientAddress(),
                envelope.received(), envelope.dsn(), envelope.authenticatedUser(), envelope.quarantined());
    }

    private boolean isLocal(MailAddress address) throws IOException {
        return directory.isLocalDomain(address.domain());
    }
}

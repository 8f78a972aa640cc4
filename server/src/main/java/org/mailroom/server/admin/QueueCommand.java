package org.mailroom.server.admin;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.store.BlobStore;
import org.mailroom.core.store.MailQueue;
import org.mailroom.core.store.MailStoreException;
import org.mailroom.delivery.Bounces;
import org.mailroom.delivery.LocalDelivery;
import org.mailroom.delivery.QueueDelivery;
import org.mailroom.server.config.Config;
import org.mailroom.server.Server;
import org.mailroom.storage.Storage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mailroom queue list|show|flush|delete|bounce}: the outbound queue, inspected and changed while the
 * server runs (through its admin API, which wakes the queue runner on a flush) or while it is stopped (on the
 * store directly); see {@link AdminOperations} for the two transports.
 */
@Command(name = "queue", description = "Inspect and manage the outbound queue.", mixinStandardHelpOptions = true)
public final class QueueCommand {

    /** The queue and what a bounce needs, opened from the configuration. */
    public interface Opener {
        Opened open(Config config) throws IOException;
    }

    /** @param blobs where the messages are, for their sizes (null: sizes unknown) */
    public record Opened(MailQueue queue, Bounces bounces, AutoCloseable onClose, BlobStore blobs) {
        public Opened(MailQueue queue, Bounces bounces, AutoCloseable onClose) {
            this(queue, bounces, onClose, null);
        }

        /** The shared queue actions (also behind the admin API). */
        QueueAdmin admin() {
            return new QueueAdmin(queue, bounces, blobs);
        }
    }

    /** The embedded store of {@code server.data_dir}. */
    public static final Opener FROM_CONFIG = config -> {
        Storage s = Server.openStorage(config);
        Router router = new Router(s.directory(), new LocalDelivery(s.mailStore(), s.mailQueue(), s.directory()),
                new QueueDelivery(s.mailQueue()));
        Bounces bounces = new Bounces(router, s.blobStore(), config.server().hostname(), Clock.systemUTC());
        return new Opened(s.mailQueue(), bounces, s::close, s.blobStore());
    };

    private interface Action {
        void run(QueueOperations queue, PrintWriter out) throws IOException, AdminException;
    }

    private final Opener opener;

    @Spec
    CommandSpec spec;

    public QueueCommand(Opener opener) {
        this.opener = opener;
    }

    @Command(name = "list", description = "Every queued message with its pending recipients (as Postfix mailq).",
            mixinStandardHelpOptions = true)
    int list(@Option(names = "--domain", paramLabel = "DOMAIN",
                     description = "Only messages with a pending recipient in this domain.") String domain,
             @Option(names = "--sender", paramLabel = "ADDRESS",
                     description = "Only messages from this envelope sender (\"<>\" for bounces).") String sender,
             @Option(names = "--json", description = "One JSON document: an array of the messages.") boolean json,
             @Mixin StoreOptions store) {
        return run(store, (o, out) -> {
            List<QueueListing.Item> items = o.list(domain, sender);
            if (json) {
                out.println(QueueListing.json(items));
            } else {
                QueueListing.print(items, out);
            }
        });
    }

    @Command(name = "show", description = "A message's recipients and every delivery attempt.", mixinStandardHelpOptions = true)
    int show(@Parameters(paramLabel = "ID") String id, @Mixin StoreOptions store) {
        return run(store, (o, out) -> {
            MailQueue.Entry e = o.item(id).entry();
            out.println("id:        " + e.id());
            out.println("sender:    <" + (e.sender() == null ? "" : e.sender()) + ">");
            out.println("queued:    " + e.created());
            out.println("attempts:  " + e.attempts());
            out.println("next:      " + e.nextAttempt());
            if (e.dsn().envid() != null || e.dsn().ret() != null) {
                out.println("dsn:       envid=" + e.dsn().envid() + " ret=" + e.dsn().ret());
            }
            out.println("delay notice sent: " + (e.warned() ? "yes" : "no"));
            out.println("recipients:");
            for (MailQueue.Recipient r : e.recipients()) {
                out.println("  " + r.address() + "  " + r.state() + (r.lastReply() == null ? "" : "  " + r.lastReply()));
            }
            int n = 0;
            for (MailQueue.Attempt a : e.history()) {
                out.println("attempt " + (++n) + " at " + a.at() + " to " + a.destination() + ": " + a.result());
                for (String d : a.dns()) out.println("  dns: " + d);
                if (a.host() != null) out.println("  host: " + a.host());
                out.println("  tls: " + a.tls());
                for (String line : a.log()) out.println("  " + line);
            }
        });
    }

    @Command(name = "flush", description = "Try the given message, or every message, now.", mixinStandardHelpOptions = true)
    int flush(@Parameters(paramLabel = "ID", arity = "0..1") String id, @Mixin StoreOptions store) {
        return run(store, (o, out) -> {
            Instant now = Instant.now();
            if (id != null) {
                o.flush(id, now);
                out.println(id + " flushed");
                return;
            }
            out.println(o.flushAll(now) + " flushed");
        });
    }

    @Command(name = "delete", description = "Remove a message without delivering it or telling the sender.",
            mixinStandardHelpOptions = true)
    int delete(@Parameters(paramLabel = "ID") String id, @Mixin StoreOptions store) {
        return change(store, id, QueueOperations::delete, "deleted");
    }

    @Command(name = "bounce", description = "Give up on a message now: its sender gets a bounce.",
            mixinStandardHelpOptions = true)
    int bounce(@Parameters(paramLabel = "ID") String id, @Mixin StoreOptions store) {
        return change(store, id, QueueOperations::bounce, "bounced");
    }

    private interface Change {
        void apply(QueueOperations queue, String id) throws IOException, AdminException;
    }

    /** One message changed by its id, and a line saying what became of it. */
    private int change(StoreOptions store, String id, Change change, String done) {
        return run(store, (o, out) -> {
            change.apply(o, id);
            out.println(id + " " + done);
        });
    }

    private int run(StoreOptions store, Action action) {
        return AdminRun.report(spec, store, (config, out, err) -> {
            try {
                // Through the running server when there is one (AdminRun.operate says why), else on the queue itself.
                RemoteAdmin server = AdminRun.runningServer(config, err);
                if (server != null) {
                    action.run(server, out);
                    return;
                }
                Opened opened = opener.open(config);
                try {
                    action.run(opened.admin(), out);
                } finally {
                    AdminRun.closeAfterWork(opened.onClose());
                }
            } catch (MailStoreException e) {
                // The queue commands name a failing store a storage error, as they always have.
                throw new IOException(e.getMessage(), e);
            }
        });
    }
}

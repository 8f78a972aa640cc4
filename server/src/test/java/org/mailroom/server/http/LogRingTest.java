package org.mailroom.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's ring of log events, on a Logback context of its own: bounded, read after a number, masked. */
class LogRingTest {

    private final LoggerContext context = new LoggerContext();
    private final LogRing ring = new LogRing();

    @BeforeEach
    void attach() {
        ring.setContext(context);
        ring.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.DEBUG);
        root.addAppender(ring);
    }

    @Test
    void keepsTheLastEventsAndReadsThemAfterANumber() {
        Logger log = context.getLogger("org.mailroom.Some");
        for (int i = 1; i <= LogRing.LOG_CAPACITY + 10; i++) log.info("event {}", i);
        assertThat(ring.lastSeq()).isEqualTo(LogRing.LOG_CAPACITY + 10);
        assertThat(ring.after(0, Integer.MAX_VALUE)).hasSize(LogRing.LOG_CAPACITY)
                .first().satisfies(e -> assertThat(e.message()).isEqualTo("event 11"));
        assertThat(ring.after(ring.lastSeq() - 3, 10)).extracting(LogRing.Entry::message)
                .containsExactly("event 1008", "event 1009", "event 1010");
        // A page of the newest, oldest first.
        assertThat(ring.after(0, 2)).extracting(LogRing.Entry::message).containsExactly("event 1009", "event 1010");
        assertThat(ring.after(ring.lastSeq(), 10)).isEmpty();
        assertThat(ring.after(0, 1).get(0).logger()).isEqualTo("Some");
        assertThat(ring.after(0, 1).get(0).level()).isEqualTo("INFO");
    }

    @Test
    void masksTokensAndCutsLongMessages() {
        Logger log = context.getLogger("x");
        log.warn("Authorization: Bearer mrt_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG failed");
        log.warn("{}", "y".repeat(LogRing.MAX_MESSAGE + 50));
        log.error("broke", new IllegalStateException("why"));
        var events = ring.after(0, 10);
        assertThat(events.get(0).message()).isEqualTo("Authorization: Bearer mrt_(hidden) failed");
        assertThat(events.get(1).message()).hasSize(LogRing.MAX_MESSAGE + 3).endsWith("...");
        assertThat(events.get(2).message()).isEqualTo("broke (java.lang.IllegalStateException: why)");
    }

    @Test
    void tellsDeliveriesAndRefusalsApartFromOtherLines() {
        Logger smtp = context.getLogger("org.mailroom.protocol.smtp.SmtpSession");
        Logger queue = context.getLogger("org.mailroom.delivery.QueueRunner");
        String line = "id={} client={} from={} to={} size={} result={}";
        smtp.info(line, "A1", "192.0.2.1", "<a@b.test>", "<c@d.test>", 10, "250 2.0.0 Ok: queued as A1");
        smtp.info(line, "A2", "192.0.2.1", "<a@b.test>", "<c@d.test>", 10, "554 5.4.6 Too many hops");
        smtp.info("smtp disconnect client={} helo={} messages={} errors={} duration={}ms", "192.0.2.1", "x", 2, 0, 5);
        String attempt = "queue={} attempt {}: {} delivered, {} failed, {} deferred{}";
        queue.info(attempt, "q1", 1, 1L, 0, 0, "");
        queue.info(attempt, "q2", 1, 0L, 0, 1, " until later");
        queue.info(attempt, "q3", 3, 0L, 1, 0, "");
        context.getLogger("org.mailroom.Other").info(line, "A3", "192.0.2.1", "<a@b.test>", "<c@d.test>", 10, "250 ok");
        assertThat(ring.recentMail(10)).extracting(LogRing.MailEvent::kind)
                .containsExactly("bounced", "deferred", "delivered", "refused", "received");
        assertThat(ring.recentMail(10).get(3).message()).contains("result=554 5.4.6");
        assertThat(ring.recentMail(2)).hasSize(2);
    }

    @Test
    void theConsolesOwnPollingAtDebugIsNotKept() {
        context.getLogger(RequestHandler.class.getName()).debug("admin GET /api/log 200");
        context.getLogger(RequestHandler.class.getName()).warn("admin GET /api/log failed");
        assertThat(ring.after(0, 10)).extracting(LogRing.Entry::message).containsExactly("admin GET /api/log failed");
    }
}

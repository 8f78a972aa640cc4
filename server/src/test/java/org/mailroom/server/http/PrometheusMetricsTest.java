package org.mailroom.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.mailroom.core.metrics.Metrics;
import org.mailroom.core.store.MailQueue;
import org.mailroom.server.MetricsTestValues;

/** Labels stay few and free of client text; the queue gauges read the summary. */
class PrometheusMetricsTest {

    /** A queue of two messages, the oldest queued a minute ago; nothing else is asked of it. */
    private static final MailQueue QUEUE = (MailQueue) java.lang.reflect.Proxy.newProxyInstance(
            MailQueue.class.getClassLoader(), new Class<?>[] {MailQueue.class}, (proxy, method, args) -> {
                if (method.getName().equals("summary")) return new MailQueue.Summary(2, Instant.now().minusSeconds(60));
                throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void refusalsAreLabelledByReplyCodeOnlyNeverByTheirText() {
        try (PrometheusMetrics m = new PrometheusMetrics(QUEUE)) {
            m.messageRefused("550 5.1.1 <secret.user@example.test>: Recipient address rejected: User unknown");
            m.messageRefused("550 5.1.1 <other@example.test>: Recipient address rejected: User unknown");
            m.messageRefused("554 5.5.2 Error: bare <CR> or <LF> in message");
            m.messageRefused("421 Error: no enhanced code");
            m.messageRefused("garbage from somewhere");
            String text = m.scrape();
            assertThat(MetricsTestValues.value(text, "mailroom_messages_refused_total", "reply=\"550 5.1.1\"")).isEqualTo(2);
            assertThat(MetricsTestValues.value(text, "mailroom_messages_refused_total", "reply=\"554 5.5.2\"")).isEqualTo(1);
            assertThat(MetricsTestValues.value(text, "mailroom_messages_refused_total", "reply=\"421\"")).isEqualTo(1);
            assertThat(MetricsTestValues.value(text, "mailroom_messages_refused_total", "reply=\"other\"")).isEqualTo(1);
            assertThat(text).doesNotContain("secret.user").doesNotContain("garbage");
        }
    }

    @Test
    void countsConnectionsDeliveriesAndTheQueue() {
        try (PrometheusMetrics m = new PrometheusMetrics(QUEUE)) {
            m.connectionOpened("smtp");
            m.connectionOpened("smtp");
            m.connectionClosed("smtp");
            m.remoteResult(Metrics.RemoteResult.BOUNCED, 3);
            m.storedLocally(4, 2_000_000);
            m.tlsSession("TLSv1.2");
            m.loginFailed("pop3");
            String text = m.scrape();
            assertThat(MetricsTestValues.value(text, "mailroom_connections_opened_total", "protocol=\"smtp\"")).isEqualTo(2);
            assertThat(MetricsTestValues.value(text, "mailroom_connections_active", "protocol=\"smtp\"")).isEqualTo(1);
            assertThat(MetricsTestValues.value(text, "mailroom_deliveries_total", "result=\"remote_bounced\"")).isEqualTo(3);
            assertThat(MetricsTestValues.value(text, "mailroom_deliveries_total", "result=\"local_stored\"")).isEqualTo(4);
            assertThat(MetricsTestValues.value(text, "mailroom_store_commit_seconds_sum", "")).isEqualTo(0.002);
            assertThat(MetricsTestValues.value(text, "mailroom_tls_sessions_total", "version=\"TLSv1.2\"")).isEqualTo(1);
            assertThat(MetricsTestValues.value(text, "mailroom_login_failures_total", "protocol=\"pop3\"")).isEqualTo(1);
            assertThat(MetricsTestValues.value(text, "mailroom_queue_messages", "")).isEqualTo(2);
            assertThat(MetricsTestValues.value(text, "mailroom_queue_oldest_age_seconds", "")).isBetween(59.0, 120.0);
        }
    }

    @Test
    void theProcessWideInstanceIsTheInstalledOneUntilItIsUninstalled() {
        try (PrometheusMetrics m = new PrometheusMetrics(QUEUE)) {
            Metrics.install(m);
            assertThat(Metrics.get()).isSameAs(m);
            Metrics.get().messageAccepted();
            assertThat(MetricsTestValues.value(m.scrape(), "mailroom_messages_accepted_total", "")).isEqualTo(1);
            Metrics.uninstall(Metrics.NONE); // not the installed one: no change
            assertThat(Metrics.get()).isSameAs(m);
            Metrics.uninstall(m);
            assertThat(Metrics.get()).isSameAs(Metrics.NONE);
        }
    }
}

package org.mailroom.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the web console's dashboard and log page read: the counts behind {@code /metrics} as JSON
 * ({@code /api/stats}), the recent deliveries and refusals ({@code /api/activity}) and the log tail
 * ({@code /api/log?after=N}, polled: each answer says the last sequence number to ask after next time).
 */
final class DashboardApi {

    /** Most log events one poll returns: a page of them, enough for a tail. */
    static final int MAX_LOG = 200;
    /** Most mail events the dashboard lists. */
    static final int MAX_ACTIVITY = 50;

    private final PrometheusMetrics metrics;
    private final LogRing ring;

    DashboardApi(PrometheusMetrics metrics, LogRing ring) {
        this.metrics = metrics;
        this.ring = ring;
    }

    ApiResponse stats(ApiRequest r) throws ApiError {
        if (metrics == null) throw new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "metrics are not available here");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", Instant.now().toString());
        out.putAll(metrics.snapshot());
        return ApiResponse.ok(out);
    }

    ApiResponse activity(ApiRequest r) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (ring != null) {
            for (LogRing.MailEvent e : ring.recentMail(MAX_ACTIVITY)) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("seq", e.seq());
                one.put("at", e.at().toString());
                one.put("kind", e.kind());
                one.put("message", e.message());
                out.add(one);
            }
        }
        return ApiResponse.ok(out);
    }

    ApiResponse log(ApiRequest r) throws ApiError {
        long after = 0;
        String text = r.query("after");
        if (text != null) {
            try {
                after = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("after: a sequence number is required, not '" + text + "'");
            }
        }
        List<Map<String, Object>> events = new ArrayList<>();
        long last = after;
        if (ring != null) {
            if (after > ring.lastSeq()) after = 0; // numbers from before a restart: start again
            for (LogRing.Entry e : ring.after(after, MAX_LOG)) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("seq", e.seq());
                one.put("at", e.at().toString());
                one.put("level", e.level());
                one.put("logger", e.logger());
                one.put("message", e.message());
                events.add(one);
                last = e.seq();
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("last", last);
        out.put("events", events);
        return ApiResponse.ok(out);
    }
}

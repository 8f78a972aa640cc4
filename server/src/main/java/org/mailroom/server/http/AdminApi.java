package org.mailroom.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Clock;
import java.util.OptionalLong;
import org.mailroom.core.dkim.DkimRotation;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.server.admin.AdminOperations;
import org.mailroom.core.store.Directory.AliasEntry;
import org.mailroom.core.store.MailQueue;
import org.mailroom.server.admin.AdminException;
import org.mailroom.server.admin.DirectoryAdmin;
import org.mailroom.server.admin.DnsRecords;
import org.mailroom.server.admin.QueueAdmin;
import org.mailroom.server.admin.QueueListing;
import org.mailroom.server.config.Config;
import tools.jackson.databind.JsonNode;

/**
 * The {@code /api/...} routes: JSON in and out around the same {@link DirectoryAdmin} and {@link QueueAdmin} that
 * the command line uses, so a rule (what a valid domain is, what is in the way of removing one) exists once.
 * The shapes are described in {@code openapi.json}.
 */
final class AdminApi {

    private final DirectoryAdmin directory;
    private final Directory store;
    private final QueueAdmin queue;
    private final Runnable wakeQueue;
    private final Config config;

    AdminApi(Directory directory, QueueAdmin queue, Runnable wakeQueue, Config config, DkimRotation.Settings rotation) {
        this.directory = new DirectoryAdmin(directory, Clock.systemUTC(), rotation);
        this.store = directory;
        this.queue = queue;
        this.wakeQueue = wakeQueue;
        this.config = config;
    }

    // ---- domains ----

    ApiResponse listDomains(ApiRequest r) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String domain : directory.domains()) out.add(Map.of("name", domain));
        return ApiResponse.ok(out);
    }

    ApiResponse addDomain(ApiRequest r) throws IOException, AdminException, ApiError {
        DirectoryAdmin.AddedDomain added = directory.addDomain(r.string(r.json(), "name"));
        List<Map<String, Object>> keys = new ArrayList<>();
        for (DkimKeyRecord key : added.dkimKeys()) keys.add(dkimKey(new AdminOperations.DkimStatus(key, null)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", added.name());
        out.put("dkim_keys", keys);
        return ApiResponse.created(out);
    }

    ApiResponse removeDomain(ApiRequest r) throws IOException, AdminException {
        directory.removeDomain(r.param("domain"));
        return ApiResponse.noContent();
    }

    /**
     * The records to publish for a local domain, as {@code mailroom dns records} prints them: each with its
     * comment, and the whole zone text to paste. Like the command, it moves DKIM keys along their rotation first.
     */
    ApiResponse dnsRecords(ApiRequest r) throws IOException, AdminException, ApiError {
        if (config == null) throw new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "DNS records are not available here");
        String domain = directory.checkDomain(r.param("domain"));
        List<DkimKeyRecord> keys = new DkimRotation(store, config.dkim().rotation()).advance(domain, Instant.now());
        List<Map<String, Object>> records = new ArrayList<>();
        for (DnsRecords.Line line : DnsRecords.of(domain, config, keys)) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", line.name());
            one.put("type", line.type().name());
            one.put("value", line.value());
            one.put("comment", line.comment());
            one.put("zone_line", line.zoneLine());
            records.add(one);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("domain", domain);
        out.put("records", records);
        out.put("zone", DnsRecords.zone(domain, config, keys));
        return ApiResponse.ok(out);
    }

    // ---- users ----

    ApiResponse listUsers(ApiRequest r) throws IOException, AdminException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String account : directory.accounts(r.query("domain"))) {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("address", account);
            user.put("quota", quota(account));
            user.put("disabled", disabled(account));
            out.add(user);
        }
        return ApiResponse.ok(out);
    }

    /** The account's own storage limit in bytes (0: none), or null when the default applies or it has gone. */
    private Long quota(String account) throws IOException {
        try {
            OptionalLong own = directory.quota(account);
            return own.isPresent() ? own.getAsLong() : null;
        } catch (AdminException | UnsupportedOperationException e) {
            return null; // removed since the list was read, or a directory without per-account limits
        }
    }

    /** Whether the account is disabled; false when it has gone since the list was read, or cannot be disabled. */
    private boolean disabled(String account) throws IOException {
        try {
            return directory.isDisabled(account);
        } catch (AdminException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** {@code {"disabled": true}} disables the account (every login refused, mail still delivered), false enables it. */
    ApiResponse setDisabled(ApiRequest r) throws IOException, AdminException, ApiError {
        JsonNode body = r.json();
        JsonNode value = body.get("disabled");
        if (value == null || !value.isBoolean()) throw ApiError.badRequest("\"disabled\" (true or false) is required");
        String account = directory.setDisabled(r.param("address"), value.booleanValue());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("address", account);
        out.put("disabled", value.booleanValue());
        return ApiResponse.ok(out);
    }

    /** {@code {"quota": "2G"}} (a size as in mailroom.toml; "0": none) or {@code {"quota": null}} (the default). */
    ApiResponse setQuota(ApiRequest r) throws IOException, AdminException, ApiError {
        JsonNode body = r.json();
        String account = directory.checkAccount(r.param("address"));
        JsonNode value = body.get("quota");
        if (value == null || !(value.isNull() || value.isString() || value.isIntegralNumber())) {
            throw ApiError.badRequest("\"quota\" (a size such as \"2G\", or null for the default) is required");
        }
        OptionalLong bytes = value.isNull() ? OptionalLong.empty()
                : value.isIntegralNumber() ? OptionalLong.of(value.longValue())
                : DirectoryAdmin.parseQuota(value.stringValue());
        if (bytes.isPresent() && bytes.getAsLong() < 0) throw ApiError.badRequest("quota: a size cannot be negative");
        directory.setQuota(account, bytes);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("address", account);
        out.put("quota", bytes.isPresent() ? bytes.getAsLong() : null);
        return ApiResponse.ok(out);
    }

    ApiResponse addUser(ApiRequest r) throws IOException, AdminException, ApiError {
        JsonNode body = r.json();
        String account = directory.checkNewAccount(r.string(body, "address"));
        char[] password = r.string(body, "password").toCharArray();
        try {
            directory.addAccount(account, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        return ApiResponse.created(Map.of("address", account));
    }

    ApiResponse setPassword(ApiRequest r) throws IOException, AdminException, ApiError {
        JsonNode body = r.json();
        String account = directory.checkAccount(r.param("address"));
        char[] password = r.string(body, "password").toCharArray();
        try {
            directory.setPassword(account, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        return ApiResponse.noContent();
    }

    ApiResponse showUser(ApiRequest r) throws IOException, AdminException {
        String account = directory.checkAccount(r.param("address"));
        OptionalLong quota = directory.quota(account);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("address", account);
        out.put("quota", quota.isPresent() ? quota.getAsLong() : null);
        out.put("disabled", disabled(account));
        return ApiResponse.ok(out);
    }

    ApiResponse listAppPasswords(ApiRequest r) throws IOException, AdminException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Directory.AppPassword p : directory.appPasswords(r.param("address"))) {
            out.add(Map.of("name", p.name(), "created", p.created().toString()));
        }
        return ApiResponse.ok(out);
    }

    ApiResponse addAppPassword(ApiRequest r) throws IOException, AdminException, ApiError {
        String name = r.string(r.json(), "name");
        char[] password = directory.addAppPassword(r.param("address"), name);
        try {
            return ApiResponse.created(Map.of("name", name, "password", new String(password)));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    ApiResponse removeAppPassword(ApiRequest r) throws IOException, AdminException {
        directory.removeAppPassword(r.param("address"), r.param("name"));
        return ApiResponse.noContent();
    }

    ApiResponse removeUser(ApiRequest r) throws IOException, AdminException {
        directory.removeAccount(r.param("address"));
        return ApiResponse.noContent();
    }

    // ---- aliases ----

    ApiResponse listAliases(ApiRequest r) throws IOException, AdminException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AliasEntry alias : directory.aliases(r.query("source"))) out.add(alias(alias));
        return ApiResponse.ok(out);
    }

    ApiResponse addAlias(ApiRequest r) throws IOException, AdminException, ApiError {
        JsonNode body = r.json();
        return ApiResponse.created(alias(directory.addAlias(r.string(body, "source"), r.string(body, "target"))));
    }

    ApiResponse removeAlias(ApiRequest r) throws IOException, AdminException {
        directory.removeAlias(r.param("source"), r.param("target"));
        return ApiResponse.noContent();
    }

    private static Map<String, Object> alias(AliasEntry alias) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", alias.source());
        out.put("target", alias.target());
        return out;
    }

    // ---- DKIM keys ----

    ApiResponse listDkim(ApiRequest r) throws IOException, AdminException {
        return ApiResponse.ok(dkimKeys(directory.dkimKeys(r.query("domain"))));
    }

    ApiResponse rotateDkim(ApiRequest r) throws IOException, AdminException {
        return ApiResponse.created(dkimKeys(directory.rotateDkim(r.param("domain"))));
    }

    ApiResponse retireDkim(ApiRequest r) throws IOException, AdminException {
        directory.retireDkim(r.param("domain"), r.param("selector"), "true".equals(r.query("force")));
        return ApiResponse.noContent();
    }

    private static List<Map<String, Object>> dkimKeys(List<AdminOperations.DkimStatus> keys) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AdminOperations.DkimStatus s : keys) out.add(dkimKey(s));
        return out;
    }

    /** A key without its private half: domain, selector, algorithm, state and its dates. */
    private static Map<String, Object> dkimKey(AdminOperations.DkimStatus s) {
        DkimKeyRecord key = s.key();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("domain", key.domain());
        out.put("selector", key.selector());
        out.put("algorithm", key.algorithm());
        out.put("state", key.state().text());
        out.put("created", key.created() == null ? null : key.created().toString());
        out.put("signs_from", s.signsFrom() == null ? null : s.signsFrom().toString());
        out.put("retire_after", key.retireAfter() == null ? null : key.retireAfter().toString());
        return out;
    }

    // ---- admin tokens ----

    ApiResponse listTokens(ApiRequest r) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Directory.AdminToken t : directory.tokens()) out.add(Map.of("name", t.name(), "created", t.created().toString()));
        return ApiResponse.ok(out);
    }

    ApiResponse addToken(ApiRequest r) throws IOException, AdminException, ApiError {
        String name = r.string(r.json(), "name");
        return ApiResponse.created(Map.of("name", name, "token", directory.addToken(name)));
    }

    ApiResponse removeToken(ApiRequest r) throws IOException, AdminException {
        directory.removeToken(r.param("name"));
        return ApiResponse.noContent();
    }

    // ---- queue ----

    ApiResponse listQueue(ApiRequest r) throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (QueueListing.Item item : queue.list(r.query("domain"), r.query("sender"))) out.add(QueueListing.toJson(item));
        return ApiResponse.ok(out);
    }

    ApiResponse showQueued(ApiRequest r) throws IOException, AdminException {
        return ApiResponse.ok(entry(queue.item(r.param("id"))));
    }

    ApiResponse flushQueued(ApiRequest r) throws IOException, AdminException {
        queue.flush(r.param("id"), Instant.now());
        wakeQueue.run();
        return ApiResponse.noContent();
    }

    ApiResponse flushAll(ApiRequest r) throws IOException {
        int flushed = queue.flushAll(Instant.now());
        wakeQueue.run();
        return ApiResponse.ok(Map.of("flushed", flushed));
    }

    ApiResponse deleteQueued(ApiRequest r) throws IOException, AdminException {
        queue.delete(r.param("id"));
        return ApiResponse.noContent();
    }

    ApiResponse bounceQueued(ApiRequest r) throws IOException, AdminException {
        queue.bounce(r.param("id"));
        return ApiResponse.noContent();
    }

    /** A queued message as in the list ({@link QueueListing#toJson}), with its DSN parameters and every attempt. */
    static Map<String, Object> entry(QueueListing.Item item) {
        MailQueue.Entry e = item.entry();
        Map<String, Object> out = QueueListing.toJson(item);
        Map<String, Object> dsn = new LinkedHashMap<>();
        dsn.put("envid", e.dsn().envid());
        dsn.put("ret", e.dsn().ret() == null ? null : e.dsn().ret().toString());
        out.put("dsn", dsn);
        out.put("delay_notice_sent", e.warned());
        List<Map<String, Object>> history = new ArrayList<>();
        for (MailQueue.Attempt a : e.history()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("at", a.at().toString());
            one.put("destination", a.destination());
            one.put("dns", a.dns());
            one.put("host", a.host());
            one.put("tls", a.tls());
            one.put("log", a.log());
            one.put("result", a.result());
            history.add(one);
        }
        out.put("history", history);
        return out;
    }
}

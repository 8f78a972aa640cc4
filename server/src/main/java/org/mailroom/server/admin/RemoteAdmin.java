package org.mailroom.server.admin;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.mailroom.core.mail.Dsn;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.Directory.AliasEntry;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.core.store.MailQueue;
import org.mailroom.server.admin.AdminException.Kind;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin operations sent to the running server's admin API (docs/admin-api.md) with the local token from
 * {@link AdminEndpoint}: the other transport of {@link AdminOperations} and {@link QueueOperations}. A refusal
 * comes back as the API's status and {@code {"error": ...}} and becomes the same {@link AdminException} the
 * direct transport would have thrown; a server that stops answering is an IOException ("storage error" on the
 * command line is then misleading, so the message says "server").
 */
public final class RemoteAdmin implements AdminOperations, QueueOperations {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** Whether a running server was found, and if not, why (for the one line the command line prints). */
    public record Found(RemoteAdmin admin, String note) {}

    private final String base;
    private final String token;
    private final HttpClient http;

    private RemoteAdmin(String base, String token, HttpClient http) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
        this.http = http;
    }

    /** The server's base URL, as written in admin.endpoint. */
    public String url() {
        return base;
    }

    /**
     * The running server of {@code dataDir}, if its files are there and it answers an authenticated request; else
     * null with a note saying why (no files: note null; files but nobody answering: a stale endpoint).
     */
    public static Found find(Path dataDir) {
        Optional<AdminEndpoint.Published> published;
        try {
            published = AdminEndpoint.read(dataDir);
        } catch (IOException e) {
            return new Found(null, "cannot read " + AdminEndpoint.ENDPOINT_FILE + " (" + e.getMessage() + ")");
        }
        if (published.isEmpty()) return new Found(null, null);
        AdminEndpoint.Published p = published.get();
        RemoteAdmin admin;
        try {
            admin = new RemoteAdmin(p.url(), p.token(), client(p.fingerprint()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return new Found(null, "unusable " + AdminEndpoint.ENDPOINT_FILE + ": " + e.getMessage());
        }
        try {
            HttpResponse<byte[]> r = admin.http.send(admin.request("GET", "/api/domains", null).timeout(PROBE_TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 200) return new Found(admin, null);
            return new Found(null, "the server at " + p.url() + " refused the local token (" + r.statusCode() + ")");
        } catch (IOException | IllegalArgumentException e) {
            return new Found(null, "no server answers at " + p.url() + " (stale " + AdminEndpoint.ENDPOINT_FILE + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Found(null, "interrupted");
        }
    }

    /** Plain HTTP, or HTTPS that trusts exactly the certificate whose SHA-256 the server published. */
    private static HttpClient client(String fingerprint) throws GeneralSecurityException {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT);
        if (fingerprint != null) {
            byte[] pinned = HexFormat.of().parseHex(fingerprint);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, new TrustManager[] {new PinnedCertificate(pinned)}, null);
            b.sslContext(tls);
        }
        return b.build();
    }

    /** Trusts one certificate, named by its SHA-256: the server's own, self-signed or not, read from its files. */
    private static final class PinnedCertificate implements X509TrustManager {
        private final byte[] sha256;

        PinnedCertificate(byte[] sha256) {
            this.sha256 = sha256;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0 || !MessageDigest.isEqual(sha256, fingerprint(chain[0]))) {
                throw new CertificateException("not the certificate published in " + AdminEndpoint.ENDPOINT_FILE);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** SHA-256 of a certificate's DER encoding. */
    public static byte[] fingerprint(X509Certificate certificate) throws CertificateException {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    // ---- domains ----

    @Override
    public List<String> domains() throws IOException, AdminException {
        List<String> out = new ArrayList<>();
        for (JsonNode d : call("GET", "/api/domains", null)) out.add(d.get("name").asString());
        return out;
    }

    @Override
    public DirectoryAdmin.AddedDomain addDomain(String name) throws IOException, AdminException {
        JsonNode added = call("POST", "/api/domains", Map.of("name", name));
        List<DkimKeyRecord> keys = new ArrayList<>();
        String domain = added.get("name").asString();
        JsonNode made = added.get("dkim_keys");
        if (made != null) for (JsonNode k : made) keys.add(dkimKey(domain, k));
        return new DirectoryAdmin.AddedDomain(domain, keys);
    }

    @Override
    public String removeDomain(String name) throws IOException, AdminException {
        call("DELETE", "/api/domains/" + segment(name), null);
        return AdminRun.domain(name);
    }

    // ---- accounts ----

    @Override
    public List<String> accounts(String domain) throws IOException, AdminException {
        List<String> out = new ArrayList<>();
        String query = domain == null ? "" : "?domain=" + URLEncoder.encode(domain, StandardCharsets.UTF_8);
        for (JsonNode u : call("GET", "/api/users" + query, null)) out.add(u.get("address").asString());
        return out;
    }

    @Override
    public String checkNewAccount(String text) throws IOException, AdminException {
        String account = AdminRun.address(text).canonical();
        // Refuse a taken address before the password is asked for; the domain is checked by the POST.
        try {
            call("GET", "/api/users/" + segment(account), null);
        } catch (AdminException e) {
            if (e.kind() == Kind.NOT_FOUND) return account;
            throw e;
        }
        throw new AdminException(Kind.CONFLICT, "account '" + account + "' exists already");
    }

    @Override
    public void addAccount(String account, char[] password) throws IOException, AdminException {
        call("POST", "/api/users", Map.of("address", account, "password", new String(password)));
    }

    @Override
    public String checkAccount(String text) throws IOException, AdminException {
        return call("GET", "/api/users/" + segment(AdminRun.address(text).canonical()), null).get("address").asString();
    }

    @Override
    public void setPassword(String account, char[] password) throws IOException, AdminException {
        call("PUT", "/api/users/" + segment(account) + "/password", Map.of("password", new String(password)));
    }

    @Override
    public String removeAccount(String text) throws IOException, AdminException {
        String account = AdminRun.address(text).canonical();
        call("DELETE", "/api/users/" + segment(account), null);
        return account;
    }

    @Override
    public OptionalLong quota(String account) throws IOException, AdminException {
        JsonNode quota = call("GET", "/api/users/" + segment(account), null).get("quota");
        return quota == null || quota.isNull() ? OptionalLong.empty() : OptionalLong.of(quota.asLong());
    }

    @Override
    public void setQuota(String account, OptionalLong bytes) throws IOException, AdminException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("quota", bytes.isPresent() ? bytes.getAsLong() : null);
        call("PUT", "/api/users/" + segment(account) + "/quota", body);
    }

    @Override
    public String setDisabled(String text, boolean disabled) throws IOException, AdminException {
        String account = AdminRun.address(text).canonical();
        return call("PUT", "/api/users/" + segment(account) + "/disabled", Map.of("disabled", disabled))
                .get("address").asString();
    }

    // ---- app passwords ----

    @Override
    public char[] addAppPassword(String account, String name) throws IOException, AdminException {
        if (name == null || name.isBlank()) throw new AdminException("app-password add needs a NAME, e.g. 'phone'");
        JsonNode made = call("POST", "/api/users/" + segment(AdminRun.address(account).canonical()) + "/app-passwords",
                Map.of("name", name));
        return made.get("password").asString().toCharArray();
    }

    @Override
    public List<Directory.AppPassword> appPasswords(String account) throws IOException, AdminException {
        List<Directory.AppPassword> out = new ArrayList<>();
        for (JsonNode p : call("GET", "/api/users/" + segment(AdminRun.address(account).canonical()) + "/app-passwords", null)) {
            out.add(new Directory.AppPassword(p.get("name").asString(), Instant.parse(p.get("created").asString())));
        }
        return out;
    }

    @Override
    public void removeAppPassword(String account, String name) throws IOException, AdminException {
        if (name == null || name.isBlank()) throw new AdminException("app-password remove needs a NAME, e.g. 'phone'");
        call("DELETE", "/api/users/" + segment(AdminRun.address(account).canonical()) + "/app-passwords/" + segment(name), null);
    }

    // ---- aliases ----

    @Override
    public List<AliasEntry> aliases(String source) throws IOException, AdminException {
        String query = source == null ? "" : "?source=" + URLEncoder.encode(source, StandardCharsets.UTF_8);
        List<AliasEntry> out = new ArrayList<>();
        for (JsonNode a : call("GET", "/api/aliases" + query, null)) out.add(alias(a));
        return out;
    }

    @Override
    public AliasEntry addAlias(String sourceText, String targetText) throws IOException, AdminException {
        return alias(call("POST", "/api/aliases", Map.of("source", sourceText, "target", targetText)));
    }

    @Override
    public AliasEntry removeAlias(String sourceText, String targetText) throws IOException, AdminException {
        call("DELETE", "/api/aliases/" + segment(sourceText) + "/" + segment(targetText), null);
        return new AliasEntry(AdminRun.address(sourceText).canonical(), AdminRun.address(targetText).toString());
    }

    private static AliasEntry alias(JsonNode a) {
        return new AliasEntry(a.get("source").asString(), a.get("target").asString());
    }

    // ---- admin tokens ----

    @Override
    public String addToken(String name) throws IOException, AdminException {
        if (name == null || name.isBlank()) throw new AdminException("token add needs a NAME, e.g. 'prometheus'");
        return call("POST", "/api/tokens", Map.of("name", name)).get("token").asString();
    }

    @Override
    public List<Directory.AdminToken> tokens() throws IOException, AdminException {
        List<Directory.AdminToken> out = new ArrayList<>();
        for (JsonNode t : call("GET", "/api/tokens", null)) {
            out.add(new Directory.AdminToken(t.get("name").asString(), null, Instant.parse(t.get("created").asString())));
        }
        return out;
    }

    @Override
    public void removeToken(String name) throws IOException, AdminException {
        if (name == null || name.isBlank()) throw new AdminException("token remove needs a NAME, e.g. 'prometheus'");
        call("DELETE", "/api/tokens/" + segment(name), null);
    }

    // ---- DKIM keys ----

    @Override
    public List<DkimStatus> dkimKeys(String domain) throws IOException, AdminException {
        String query = domain == null ? "" : "?domain=" + URLEncoder.encode(domain, StandardCharsets.UTF_8);
        return dkimStatuses(call("GET", "/api/dkim" + query, null));
    }

    @Override
    public List<DkimStatus> rotateDkim(String domain) throws IOException, AdminException {
        return dkimStatuses(call("POST", "/api/domains/" + segment(domain) + "/dkim/rotate", null));
    }

    @Override
    public String retireDkim(String domain, String selector, boolean force) throws IOException, AdminException {
        call("DELETE", "/api/domains/" + segment(domain) + "/dkim/" + segment(selector) + (force ? "?force=true" : ""), null);
        return AdminRun.domain(domain);
    }

    private static List<DkimStatus> dkimStatuses(JsonNode array) {
        List<DkimStatus> out = new ArrayList<>();
        for (JsonNode k : array) {
            out.add(new DkimStatus(dkimKey(k.get("domain").asString(), k), instant(k.get("signs_from"))));
        }
        return out;
    }

    /** A key as the API shows it: no private key. */
    private static DkimKeyRecord dkimKey(String domain, JsonNode k) {
        JsonNode state = k.get("state");
        return new DkimKeyRecord(domain, k.get("selector").asString(), k.get("algorithm").asString(), null,
                instant(k.get("created")), state == null ? DkimKeyRecord.State.ACTIVE : DkimKeyRecord.State.of(state.asString()),
                instant(k.get("retire_after")));
    }

    // ---- queue ----

    @Override
    public List<QueueListing.Item> list(String domain, String sender) throws IOException, AdminException {
        StringBuilder query = new StringBuilder();
        if (domain != null) query.append("domain=").append(URLEncoder.encode(domain, StandardCharsets.UTF_8));
        if (sender != null) {
            if (query.length() > 0) query.append('&');
            query.append("sender=").append(URLEncoder.encode(sender, StandardCharsets.UTF_8));
        }
        List<QueueListing.Item> out = new ArrayList<>();
        for (JsonNode e : call("GET", "/api/queue" + (query.length() == 0 ? "" : "?" + query), null)) out.add(item(e));
        return out;
    }

    @Override
    public QueueListing.Item item(String id) throws IOException, AdminException {
        return item(call("GET", "/api/queue/" + segment(id), null));
    }

    @Override
    public void flush(String id, Instant now) throws IOException, AdminException {
        call("POST", "/api/queue/" + segment(id) + "/flush", null);
    }

    @Override
    public int flushAll(Instant now) throws IOException, AdminException {
        return call("POST", "/api/queue/flush", null).get("flushed").asInt();
    }

    @Override
    public void delete(String id) throws IOException, AdminException {
        call("DELETE", "/api/queue/" + segment(id), null);
    }

    @Override
    public void bounce(String id) throws IOException, AdminException {
        call("POST", "/api/queue/" + segment(id) + "/bounce", null);
    }

    /** A queued message from the API's JSON (QueueListing.toJson, with DSN and history when shown alone). */
    private static QueueListing.Item item(JsonNode e) {
        List<MailQueue.Recipient> recipients = new ArrayList<>();
        for (JsonNode r : e.get("recipients")) {
            recipients.add(new MailQueue.Recipient(r.get("address").asString(),
                    MailQueue.RecipientState.valueOf(r.get("state").asString().toUpperCase(java.util.Locale.ROOT)),
                    text(r.get("last_reply"))));
        }
        Dsn dsn = Dsn.NONE;
        JsonNode d = e.get("dsn");
        if (d != null && !d.isNull()) {
            String ret = text(d.get("ret"));
            dsn = new Dsn(text(d.get("envid")), ret == null ? null : Dsn.Ret.valueOf(ret), Map.of());
        }
        List<MailQueue.Attempt> history = new ArrayList<>();
        JsonNode h = e.get("history");
        if (h != null) {
            for (JsonNode a : h) {
                history.add(new MailQueue.Attempt(instant(a.get("at")), text(a.get("destination")), strings(a.get("dns")),
                        text(a.get("host")), text(a.get("tls")), strings(a.get("log")), text(a.get("result"))));
            }
        }
        String sender = text(e.get("sender"));
        MailQueue.Entry entry = new MailQueue.Entry(e.get("id").asString(), null, sender == null || sender.isEmpty() ? null : sender,
                recipients, instant(e.get("arrival")), instant(e.get("next_attempt")), e.get("attempts").asInt(),
                text(e.get("last_error")), dsn, e.has("delay_notice_sent") && e.get("delay_notice_sent").asBoolean(), history);
        JsonNode size = e.get("size");
        return new QueueListing.Item(entry, size == null || size.isNull() ? -1 : size.asLong());
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asString();
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isNull() ? null : Instant.parse(n.asString());
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null) for (JsonNode s : n) out.add(s.asString());
        return out;
    }

    // ---- transport ----

    /** Sends one request; the JSON answer (an empty object for 204), or the refusal as an AdminException. */
    private JsonNode call(String method, String path, Object body) throws IOException, AdminException {
        HttpResponse<byte[]> r;
        try {
            r = http.send(request(method, path, body).timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the server");
        } catch (IOException e) {
            throw new IOException("the running server (" + base + ") did not answer: " + e, e);
        }
        int status = r.statusCode();
        JsonNode json;
        try {
            json = r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (JacksonException e) {
            throw new IOException("the server answered " + status + " with something that is not JSON");
        }
        if (status >= 200 && status < 300) return json;
        String message = json.has("error") ? json.get("error").asString() : "HTTP " + status;
        switch (status) {
            case 400: throw new AdminException(Kind.INVALID, message);
            case 404: throw new AdminException(Kind.NOT_FOUND, message);
            case 409: throw new AdminException(Kind.CONFLICT, message);
            default: throw new IOException("the server refused (" + status + "): " + message);
        }
    }

    private HttpRequest.Builder request(String method, String path, Object body) {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .method(method, publisher);
        if (body != null) b.header("Content-Type", "application/json");
        return b;
    }

    /** One path segment, percent-encoded (the API decodes each segment; '+' stays '+' there). */
    private static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

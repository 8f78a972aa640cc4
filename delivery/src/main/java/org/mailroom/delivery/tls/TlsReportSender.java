package org.mailroom.delivery.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.mailroom.core.delivery.RecipientResult;
import org.mailroom.core.delivery.Router;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.core.mail.Envelope;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends yesterday's TLS reports (RFC 8460): for each policy domain with counts and a {@code _smtp._tls} TXT
 * record ({@code v=TLSRPTv1; rua=mailto:tlsrpt@example.org}), one gzipped JSON report per day (section 4.4),
 * mailed as {@code multipart/report; report-type="tlsrpt"} (section 5.3) through our own {@link Router}, and so
 * our own queue, to each mailto address; POSTed as {@code application/tlsrpt+gzip} to each https address.
 *
 * <p>Once a minute the counts are saved; once the UTC day has changed, the days before it are reported. A
 * domain whose TXT look-up fails temporarily is tried again the next round, for up to three days.
 */
public final class TlsReportSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TlsReportSender.class);
    private static final DateTimeFormatter RFC5322_DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final int KEEP_DAYS = 3;

    private final TlsReports reports;
    private final DnsResolver dns;
    private final Router router;
    private final BlobStore blobs;
    private final String hostname;
    private final String organization;
    private final Clock clock;
    private final SSLContext https;
    private ScheduledExecutorService timer;
    private LocalDate lastRound;

    /**
     * @param organization {@code organization-name} of the reports ({@code outbound.tls_report_org})
     * @param trust        the authorities an https rua's certificate may come from (the JDK's and outbound.tls_trust)
     */
    public TlsReportSender(TlsReports reports, DnsResolver dns, Router router, BlobStore blobs, String hostname,
                           String organization, List<X509TrustManager> trust, Clock clock) {
        this.reports = reports;
        this.dns = dns;
        this.router = router;
        this.blobs = blobs;
        this.hostname = hostname;
        this.organization = organization;
        this.clock = clock;
        this.https = httpsContext(trust);
    }

    /** Any of the anchors will do; the JDK's HttpClient checks the host name itself. */
    private static SSLContext httpsContext(List<X509TrustManager> trust) {
        X509TrustManager any = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                CertificateException last = new CertificateException("no trust anchors");
                for (X509TrustManager t : trust) {
                    try {
                        t.checkServerTrusted(chain, authType);
                        return;
                    } catch (CertificateException e) {
                        last = e;
                    }
                }
                throw last;
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {any}, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS client", e);
        }
    }

    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tls-reports");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::round, 1, 60, TimeUnit.SECONDS);
    }

    private void round() {
        try {
            reports.flush();
            LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
            if (!today.equals(lastRound)) {
                sendDue();
                lastRound = today;
            }
        } catch (RuntimeException e) {
            log.warn("TLS reports: {}", e.toString());
        }
    }

    /**
     * Sends the reports of every day before today that has counts (the daily round, and tests).
     *
     * @return the reports sent, one per domain and day with somewhere to send it
     */
    public synchronized int sendDue() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Map<String, List<TlsReports.Counts>> byDomainDay = new LinkedHashMap<>();
        for (TlsReports.Counts c : reports.before(today)) {
            byDomainDay.computeIfAbsent(c.domain + " " + c.day, k -> new ArrayList<>()).add(c);
        }
        int sent = 0;
        for (List<TlsReports.Counts> group : byDomainDay.values()) {
            String domain = group.get(0).domain;
            LocalDate day = LocalDate.parse(group.get(0).day);
            DnsResolver.Answer<String> txt = dns.txt("_smtp._tls." + domain);
            if (txt.status() == DnsResolver.Status.TEMPORARY_FAILURE) {
                if (day.isBefore(today.minusDays(KEEP_DAYS))) reports.remove(group);
                continue;
            }
            List<String> rua = rua(txt.records());
            if (!rua.isEmpty() && send(domain, day, group, rua)) sent++;
            reports.remove(group);
        }
        reports.flush();
        return sent;
    }

    /** The rua URIs of the one {@code v=TLSRPTv1} record (RFC 8460 section 3); none when there are several. */
    static List<String> rua(List<String> texts) {
        List<List<String>> found = new ArrayList<>();
        for (String t : texts) {
            String[] fields = t.split(";");
            if (!fields[0].trim().equals("v=TLSRPTv1")) continue;
            List<String> uris = new ArrayList<>();
            for (String f : fields) {
                String field = f.trim();
                if (!field.startsWith("rua=")) continue;
                for (String uri : field.substring(4).split(",")) if (!uri.isBlank()) uris.add(uri.trim());
            }
            found.add(uris);
        }
        return found.size() == 1 ? found.get(0) : List.of();
    }

    private boolean send(String domain, LocalDate day, List<TlsReports.Counts> counts, List<String> rua) {
        String reportId = day + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "@" + hostname;
        byte[] gzip;
        try {
            gzip = gzip(json(day, reportId, counts));
        } catch (IOException e) {
            log.warn("TLS report for {} not built: {}", domain, e.toString());
            return false;
        }
        boolean any = false;
        for (String uri : rua) {
            String lower = uri.toLowerCase(Locale.ROOT);
            try {
                if (lower.startsWith("mailto:")) {
                    String address = URLDecoder.decode(uri.substring(7).split("\\?")[0], StandardCharsets.UTF_8);
                    any |= mail(MailAddress.parse(address), domain, day, reportId, gzip);
                } else if (lower.startsWith("https:")) {
                    any |= post(URI.create(uri), gzip);
                }
            } catch (IOException | IllegalArgumentException e) {
                log.warn("TLS report for {} to {} not sent: {}", domain, uri, e.toString());
            }
        }
        log.info("TLS report {} for {} ({}) to {}", reportId, domain, day, rua);
        return any;
    }

    /** The JSON of RFC 8460 section 4.4, field names as the RFC spells them. */
    byte[] json(LocalDate day, String reportId, List<TlsReports.Counts> counts) {
        ObjectNode root = JsonFiles.MAPPER.createObjectNode();
        root.put("organization-name", organization);
        ObjectNode range = root.putObject("date-range");
        range.put("start-datetime", day + "T00:00:00Z");
        range.put("end-datetime", day + "T23:59:59Z");
        root.put("contact-info", "postmaster@" + hostname);
        root.put("report-id", reportId);
        ArrayNode policies = root.putArray("policies");
        for (TlsReports.Counts c : counts) {
            ObjectNode entry = policies.addObject();
            ObjectNode policy = entry.putObject("policy");
            policy.put("policy-type", c.policyType);
            if (!c.policyStrings.isEmpty()) {
                ArrayNode strings = policy.putArray("policy-string");
                c.policyStrings.forEach(strings::add);
            }
            policy.put("policy-domain", c.domain);
            if (!c.mxHosts.isEmpty()) {
                ArrayNode mx = policy.putArray("mx-host");
                c.mxHosts.forEach(mx::add);
            }
            ObjectNode summary = entry.putObject("summary");
            summary.put("total-successful-session-count", c.success);
            summary.put("total-failure-session-count", c.failure);
            if (!c.failures.isEmpty()) {
                ArrayNode details = entry.putArray("failure-details");
                for (TlsReports.Failure f : c.failures) {
                    ObjectNode d = details.addObject();
                    d.put("result-type", f.resultType);
                    if (f.receivingMxHostname != null) d.put("receiving-mx-hostname", f.receivingMxHostname);
                    if (f.receivingIp != null) d.put("receiving-ip", f.receivingIp);
                    d.put("failed-session-count", f.count);
                    if (f.additionalInformation != null) d.put("additional-information", f.additionalInformation);
                }
            }
        }
        return JsonFiles.MAPPER.writeValueAsBytes(root);
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** Section 5.3: the report as an attachment of a multipart/report, from the null sender. */
    private boolean mail(MailAddress to, String domain, LocalDate day, String reportId, byte[] gzip) throws IOException {
        Instant now = clock.instant();
        long begin = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond() - 1;
        // Section 5.1: sender!policy-domain!begin!end.json.gz
        String file = hostname + "!" + domain + "!" + begin + "!" + end + ".json.gz";
        String boundary = "tlsrpt-" + UUID.randomUUID().toString().replace("-", "");
        StringBuilder m = new StringBuilder();
        m.append("From: TLS reports <noreply-tlsrpt@").append(hostname).append(">\r\n");
        m.append("To: <").append(to).append(">\r\n");
        m.append("Date: ").append(RFC5322_DATE.format(now)).append("\r\n");
        m.append("Message-ID: <").append(reportId).append(">\r\n");
        m.append("Subject: Report Domain: ").append(domain).append(" Submitter: ").append(organization)
                .append(" Report-ID: <").append(reportId).append(">\r\n");
        m.append("TLS-Report-Domain: ").append(domain).append("\r\n");
        m.append("TLS-Report-Submitter: ").append(organization).append("\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/report; report-type=\"tlsrpt\";\r\n\tboundary=\"").append(boundary).append("\"\r\n\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=us-ascii\r\n\r\n");
        m.append("This is an aggregate TLS report (RFC 8460) from ").append(organization).append(" for ")
                .append(domain).append(", ").append(day).append(" (UTC).\r\n\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: application/tlsrpt+gzip\r\n");
        m.append("Content-Transfer-Encoding: base64\r\n");
        m.append("Content-Disposition: attachment; filename=\"").append(file).append("\"\r\n\r\n");
        m.append(Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gzip)).append("\r\n");
        m.append("--").append(boundary).append("--\r\n");
        byte[] bytes = m.toString().getBytes(StandardCharsets.UTF_8);
        String blobId;
        try (BlobStore.BlobWriter writer = blobs.create()) {
            writer.write(bytes);
            blobId = writer.commit();
        }
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        // From <>: a report that cannot be delivered must not bounce back and start a loop.
        Envelope envelope = new Envelope(id, null, List.of(to), hostname, "127.0.0.1", now);
        List<RecipientResult> results = router.deliver(envelope, blobId, bytes.length);
        boolean accepted = results.stream().anyMatch(RecipientResult::accepted);
        if (!accepted) blobs.delete(blobId);
        return accepted;
    }

    /** Section 5.4: an HTTPS POST of the gzipped report; any 2xx is success. */
    private boolean post(URI uri, byte[] gzip) throws IOException {
        HttpClient http = HttpClient.newBuilder().sslContext(https).connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/tlsrpt+gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gzip)).build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) timer.shutdownNow();
        reports.flush();
    }
}

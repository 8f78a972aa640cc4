package org.mailroom.mailauth.spf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mailroom.mailauth.testing.MemoryDns;
import tools.jackson.databind.ObjectMapper;

/**
 * Our SPF results against pyspf 2.0.14 (Debian's python3-spf, an independent implementation) on scenarios of our
 * own, each zone served to both from memory ({@code src/test/spf/pyspf-check.py} replaces pyspf's DNS look-up).
 * Skipped without {@code /usr/bin/python3} and its spf module, except under CI, where that fails.
 */
class PyspfCrossCheckTest {

    private record Rr(String name, String type, Object value) {}

    private record Check(String ip, String helo, String mailFrom) {}

    private final List<Rr> zone = new ArrayList<>();
    private final List<Check> checks = new ArrayList<>();

    private void rr(String name, String type, Object value) {
        zone.add(new Rr(name, type, value));
    }

    @Test
    void sameResultsAsPyspf() throws Exception {
        requirePyspf();
        rr("plain.example", "TXT", "v=spf1 ip4:192.0.2.0/25 ip6:2001:db8::/32 -all");
        rr("amx.example", "TXT", "v=spf1 a/28 mx -all");
        rr("amx.example", "A", "198.51.100.1");
        rr("amx.example", "MX", List.of(10, "mx1.amx.example"));
        rr("mx1.amx.example", "A", "203.0.113.9");
        rr("mx1.amx.example", "AAAA", "2001:db8:9::9");
        rr("inc.example", "TXT", "v=spf1 include:plain.example include:none.example ~all");
        rr("loop.example", "TXT", "v=spf1 include:loop2.example -all");
        rr("loop2.example", "TXT", "v=spf1 include:loop.example -all");
        rr("redir.example", "TXT", "v=spf1 redirect=plain.example");
        rr("redirnone.example", "TXT", "v=spf1 redirect=nothing.example");
        rr("voids.example", "TXT", "v=spf1 a:n1.example a:n2.example a:n3.example +all");
        rr("twovoids.example", "TXT", "v=spf1 a:n1.example a:n2.example +all");
        StringBuilder eleven = new StringBuilder("v=spf1");
        for (int i = 0; i < 11; i++) {
            eleven.append(" a:h").append(i).append(".example");
            rr("h" + i + ".example", "A", "198.51.100." + (50 + i));
        }
        rr("eleven.example", "TXT", eleven + " -all");
        rr("ptr.example", "TXT", "v=spf1 ptr -all");
        rr("10.2.0.192.in-addr.arpa", "PTR", "mail.ptr.example");
        rr("mail.ptr.example", "A", "192.0.2.10");
        rr("macro.example", "TXT", "v=spf1 exists:%{ir}.%{l1r-}.%{d}.rbl.example -all");
        rr("10.2.0.192.joe.macro.example.rbl.example", "A", "127.0.0.2");
        rr("exists6.example", "TXT", "v=spf1 exists:%{i}.x.example -all");
        rr("slow.example", "TIMEOUT", "");
        rr("incslow.example", "TXT", "v=spf1 include:slow.example -all");
        rr("bad.example", "TXT", "v=spf1 ip4:192.0.2.300 -all");
        rr("badmacro.example", "TXT", "v=spf1 a:%{z}.example -all");
        rr("two.example", "TXT", "v=spf1 -all");
        rr("two.example", "TXT", "v=spf1 +all");
        rr("cname.example", "CNAME", "plain.example");
        rr("manymx.example", "TXT", "v=spf1 mx -all");
        for (int i = 0; i < 11; i++) rr("manymx.example", "MX", List.of(i, "m" + i + ".example"));
        rr("helo.example", "TXT", "v=spf1 a -all");
        rr("helo.example", "A", "192.0.2.10");

        for (String ip : List.of("192.0.2.10", "192.0.2.200", "198.51.100.5", "203.0.113.9", "2001:db8:9::9")) {
            for (String d : List.of("plain", "amx", "inc", "loop", "redir", "redirnone", "voids", "twovoids", "eleven",
                    "ptr", "exists6", "slow", "incslow", "bad", "badmacro", "two", "cname", "manymx", "nothing")) {
                checks.add(new Check(ip, "helo.example", "user@" + d + ".example"));
            }
            checks.add(new Check(ip, "helo.example", "joe-x@macro.example"));
            checks.add(new Check(ip, "helo.example", ""));
        }

        MemoryDns dns = new MemoryDns();
        Map<String, List<List<Object>>> json = new LinkedHashMap<>();
        for (Rr r : zone) {
            json.computeIfAbsent(r.name, k -> new ArrayList<>()).add(List.of(r.type, r.value));
            switch (r.type) {
                case "TXT" -> dns.txt(r.name, (String) r.value);
                case "A", "AAAA" -> dns.a(r.name, (String) r.value);
                case "MX" -> dns.mx(r.name, (Integer) ((List<?>) r.value).get(0), (String) ((List<?>) r.value).get(1));
                case "PTR" -> dns.ptrAt(r.name, (String) r.value);
                case "CNAME" -> dns.cname(r.name, (String) r.value);
                case "TIMEOUT" -> dns.timeout(r.name);
                default -> fail(r.type);
            }
        }
        List<Map<String, String>> jsonChecks = new ArrayList<>();
        for (Check c : checks) jsonChecks.add(Map.of("ip", c.ip, "helo", c.helo, "mailfrom", c.mailFrom));
        byte[] input = new ObjectMapper().writeValueAsBytes(Map.of("zone", json, "checks", jsonChecks));

        Process p = new ProcessBuilder("/usr/bin/python3", new File("src/test/spf/pyspf-check.py").getAbsolutePath())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream out = p.getOutputStream()) {
            out.write(input);
        }
        String[] theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(theirs).hasSize(checks.size());

        SpfEvaluator spf = new SpfEvaluator(dns);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
            Check c = checks.get(i);
            SpfVerdict ours = spf.check(MemoryDns.ip(c.ip), c.helo, c.mailFrom);
            String o = ours.result().name().toLowerCase(Locale.ROOT);
            if (!o.equals(theirs[i].trim())) {
                differences.add(c + ": ours " + o + " (" + ours.explanation() + "), pyspf " + theirs[i]);
            }
        }
        assertThat(differences).as("%d checks", checks.size()).isEmpty();
    }

    private static void requirePyspf() throws Exception {
        boolean ok = false;
        if (new File("/usr/bin/python3").canExecute()) {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import spf").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        }
        if (!ok && System.getenv("CI") != null) fail("/usr/bin/python3 with pyspf (Debian python3-spf) is required");
        Assumptions.assumeTrue(ok, "/usr/bin/python3 with pyspf (Debian python3-spf) is not installed");
    }
}

package org.mailroom.server.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.delivery.dns.DnsjavaResolver;
import org.xbill.DNS.Type;

/**
 * {@code mailroom dns check}: asks the server's resolvers ({@code dns.servers}) for each record of
 * {@link DnsRecords} and says, line by line, {@code OK}, {@code MISSING} or {@code WRONG} (with what was found), or
 * {@code ERROR} when DNS did not answer. Where the operator may rightly change a record (a stricter SPF or DMARC
 * policy, MTA-STS in enforce mode with its new id) any record of the right kind is OK; keys, hosts and ports must
 * match exactly.
 */
final class DnsCheck {

    enum Verdict { OK, MISSING, WRONG, ERROR }

    record Result(Verdict verdict, DnsRecords.Line line, String detail) {
        String text() {
            return String.format(Locale.ROOT, "%-7s %-5s %s%s", verdict, line.type(), line.name(),
                    detail.isEmpty() ? "" : "  " + detail);
        }
    }

    private final DnsjavaResolver dns;

    DnsCheck(DnsjavaResolver dns) {
        this.dns = dns;
    }

    List<Result> check(List<DnsRecords.Line> lines) {
        List<Result> out = new ArrayList<>();
        for (DnsRecords.Line line : lines) out.add(check(line));
        return out;
    }

    private Result check(DnsRecords.Line line) {
        String name = line.name().substring(0, line.name().length() - 1);
        DnsResolver.Answer<String> answer = switch (line.type()) {
            case TXT -> dns.txt(name);
            case MX -> dns.records(name, Type.MX);
            case SRV -> dns.records(name, Type.SRV);
            case CNAME -> dns.records(name, Type.CNAME);
        };
        if (answer.status() == DnsResolver.Status.TEMPORARY_FAILURE) {
            return new Result(Verdict.ERROR, line, "no answer: " + answer.detail());
        }
        List<String> found = answer.records();
        if (line.type() == DnsRecords.Type.TXT) found = found.stream().filter(t -> sameKind(t, line.value())).toList();
        if (found.isEmpty()) {
            // A CNAME name with other records, or an A record where we want a CNAME, is still not what we print.
            return new Result(Verdict.MISSING, line, "expected " + line.value());
        }
        for (String f : found) {
            if (matches(line, f)) return new Result(Verdict.OK, line, found.size() > 1 && line.type() == DnsRecords.Type.TXT
                    ? "but " + found.size() + " records of this kind: receivers may take none" : "");
        }
        return new Result(Verdict.WRONG, line, "found " + String.join(" | ", found) + "; expected " + line.value());
    }

    /** The first tag of a TXT record tells what it is: v=spf1, v=DKIM1, v=DMARC1, v=STSv1, v=TLSRPTv1. */
    private static boolean sameKind(String found, String expected) {
        return version(found).equalsIgnoreCase(version(expected));
    }

    private static String version(String txt) {
        String t = txt.trim();
        int end = t.indexOf(';');
        if (end < 0) end = t.indexOf(' ');
        return (end < 0 ? t : t.substring(0, end)).replace(" ", "");
    }

    private static boolean matches(DnsRecords.Line line, String found) {
        String want = line.value();
        switch (line.type()) {
            case MX, SRV, CNAME:
                return normal(found).equals(normal(want));
            default:
                break;
        }
        String kind = version(want).toLowerCase(Locale.ROOT);
        return switch (kind) {
            // Any policy that lets the MX hosts send; the operator may end it in -all.
            case "v=spf1" -> normal(found).contains(" mx") || normal(found).equals(normal(want));
            case "v=dkim1" -> tag(found, "p").equals(tag(want, "p"));
            case "v=dmarc1" -> tag(found, "p").matches("none|quarantine|reject");
            case "v=stsv1" -> !tag(found, "id").isEmpty();
            case "v=tlsrptv1" -> tag(found, "rua").startsWith("mailto:") || tag(found, "rua").startsWith("https:");
            default -> normal(found).equals(normal(want));
        };
    }

    private static String normal(String s) {
        return s.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    /** A tag's value in a tag=value; list (RFC 6376 section 3.2), whitespace removed; "" if absent. */
    private static String tag(String record, String name) {
        for (String part : record.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equalsIgnoreCase(name)) {
                return part.substring(eq + 1).replaceAll("\\s+", "");
            }
        }
        return "";
    }
}

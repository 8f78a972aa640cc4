package org.mailroom.mailauth.spf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailroom.core.dns.DnsResolver;
import org.mailroom.core.dns.DnsResolver.Answer;
import org.mailroom.core.dns.DnsResolver.Status;
import org.mailroom.mailauth.spf.SpfRecord.Mechanism;
import org.mailroom.mailauth.spf.SpfVerdict.Result;

/**
 * SPF (RFC 7208): whether a client address may send mail for a domain. check_host() with every mechanism and
 * modifier, macros, the limit of 10 DNS-querying terms and 2 void look-ups (section 4.6.4), and a timeout per
 * evaluation; DNS failures are temperror.
 *
 * <p>Design: a record is parsed whole first ({@link SpfRecord}), then its mechanisms are tried left to right by one
 * {@code Evaluation} that carries the counters shared by the whole check (look-up terms, void look-ups, the
 * deadline) through include and redirect. Limits and errors end it with {@link SpfAbort}, caught once here.
 * The deadline is checked before every DNS question: one slow question can still take the resolver's own
 * timeout, but a chain of them stops at the budget with temperror.
 */
public final class SpfEvaluator {

    /** Section 4.6.4: at most 10 terms that query DNS, 2 void look-ups, 10 MX and 10 PTR names per look-up. */
    static final int MAX_DNS_TERMS = 10;
    static final int MAX_VOID_LOOKUPS = 2;
    static final int MAX_MX_NAMES = 10;
    static final int MAX_PTR_NAMES = 10;

    /** Section 4.6.4 suggests at least 20 seconds for a whole evaluation. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(20);

    /** Our explanation on fail when the domain gives none (its macros are expanded like an exp= text). */
    public static final String DEFAULT_EXPLANATION = "%{i} is not allowed to send mail for %{d} (SPF)";

    private final DnsResolver dns;
    private final Clock clock;
    private final Duration budget;
    private final String defaultExplanation;
    private final String receiver;

    public SpfEvaluator(DnsResolver dns) {
        this(dns, Clock.systemUTC(), DEFAULT_BUDGET, DEFAULT_EXPLANATION, "unknown");
    }

    /**
     * @param clock              for the budget and {@code %{t}}
     * @param budget             the most one check may take before it gives up with temperror
     * @param defaultExplanation the explanation on fail without a usable exp=, a macro string
     * @param receiver           our host name, for {@code %{r}} in explanations
     */
    public SpfEvaluator(DnsResolver dns, Clock clock, Duration budget, String defaultExplanation, String receiver) {
        this.dns = dns;
        this.clock = clock;
        this.budget = budget;
        this.defaultExplanation = defaultExplanation;
        this.receiver = receiver;
    }

    /**
     * Checks the MAIL FROM identity (or, for the null sender or a sender without a domain, the HELO identity
     * as {@code postmaster@helo}), as RFC 7208 section 2.4 says.
     *
     * @param client   the SMTP client's address
     * @param helo     the EHLO/HELO name
     * @param mailFrom the reverse path without brackets ("" for the null sender)
     */
    public SpfVerdict check(InetAddress client, String helo, String mailFrom) {
        String from = mailFrom == null ? "" : mailFrom;
        int at = from.lastIndexOf('@');
        if (at < 0 || at == from.length() - 1) {
            String h = helo == null ? "" : helo;
            return evaluate(client, h, "postmaster@" + h, h, "helo");
        }
        String local = from.substring(0, at);
        String domain = from.substring(at + 1);
        // section 4.3: a sender without a local part is checked as postmaster@domain
        String sender = local.isEmpty() ? "postmaster@" + domain : from;
        return evaluate(client, domain, sender, helo == null ? "" : helo, "mailfrom");
    }

    /** check_host(ip, domain, sender) of RFC 7208 section 4, for one identity. */
    public SpfVerdict checkHost(InetAddress client, String domain, String sender, String helo) {
        return evaluate(client, domain, sender, helo, "mailfrom");
    }

    private SpfVerdict evaluate(InetAddress client, String domain, String sender, String helo, String identity) {
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (!isValidDomain(d) || d.indexOf('.') < 0) {
            // section 4.3: a malformed or single-label domain gives none without any look-up
            return new SpfVerdict(Result.NONE, identity, domain, sender, "not a checkable domain: " + clip(domain));
        }
        Evaluation run = new Evaluation(client, sender, helo);
        try {
            Outcome o = run.checkHost(d.toLowerCase(Locale.ROOT), true);
            return new SpfVerdict(o.result, identity, domain, sender, o.explanation);
        } catch (SpfAbort a) {
            return new SpfVerdict(a.result, identity, domain, sender, a.getMessage());
        } catch (RuntimeException e) {
            // a resolver bug or an answer we did not foresee must not end the SMTP session
            return new SpfVerdict(Result.TEMPERROR, identity, domain, sender, "internal error: " + e);
        }
    }

    /** A result and its explanation (the exp= text on fail, else what matched). */
    private record Outcome(Result result, String explanation) {}

    /** The state of one check_host() evaluation, shared by its includes and redirects. */
    private final class Evaluation {
        final InetAddress client;
        final boolean v4;
        final String sender;
        final String local;
        final String senderDomain;
        final String helo;
        final long deadline;
        int dnsTerms;
        int voidLookups;
        String validatedPtr; // %{p}, computed once when first used

        Evaluation(InetAddress client, String sender, String helo) {
            this.client = client;
            this.v4 = client instanceof Inet4Address;
            this.sender = sender;
            int at = sender.lastIndexOf('@');
            this.local = at < 0 ? "postmaster" : sender.substring(0, at);
            this.senderDomain = at < 0 ? sender : sender.substring(at + 1);
            this.helo = helo;
            this.deadline = clock.millis() + budget.toMillis();
        }

        /**
         * check_host() for one domain. At the top ({@code top}) no record is "none"; inside include and redirect
         * the callers turn that into permerror.
         */
        Outcome checkHost(String domain, boolean top) throws SpfAbort {
            SpfRecord record = fetch(domain);
            if (record == null) return new Outcome(Result.NONE, "no SPF record at " + domain);
            return run(record, domain);
        }

        /** The domain's one SPF record, null when it has none (section 4.5). */
        SpfRecord fetch(String domain) throws SpfAbort {
            Answer<String> a = ask(() -> dns.txt(domain));
            if (a.status() == Status.TEMPORARY_FAILURE) throw SpfAbort.temp("DNS failure for TXT " + domain);
            if (!a.found()) return null;
            String found = null;
            for (String txt : a.records()) {
                if (!SpfRecord.isSpf(txt)) continue;
                if (found != null) throw SpfAbort.perm("more than one SPF record at " + domain);
                found = txt;
            }
            return found == null ? null : SpfRecord.parse(found);
        }

        Outcome run(SpfRecord record, String domain) throws SpfAbort {
            boolean hasAll = false;
            for (Mechanism m : record.mechanisms()) {
                if (m.kind() == SpfRecord.Kind.ALL) hasAll = true;
                if (m.queriesDns()) countTerm();
                if (matches(m, domain)) {
                    String why = "matched " + m.kind().name().toLowerCase(Locale.ROOT)
                            + (m.domainSpec() == null ? "" : ":" + m.domainSpec()) + " of " + domain;
                    if (m.result() == Result.FAIL) return new Outcome(Result.FAIL, explain(record, domain));
                    return new Outcome(m.result(), why);
                }
            }
            // section 6.1: redirect is ignored when the record has "all" (which would have matched anyway)
            if (record.redirect() != null && !hasAll) {
                countTerm();
                String target = expandDomain(record.redirect(), domain);
                SpfRecord next = target == null ? null : fetch(target);
                if (next == null) throw SpfAbort.perm("redirect to " + target + " which has no SPF record");
                return run(next, target); // its own exp= applies, not ours (section 6.2)
            }
            return new Outcome(Result.NEUTRAL, "no mechanism matched in " + domain);
        }

        boolean matches(Mechanism m, String domain) throws SpfAbort {
            switch (m.kind()) {
                case ALL:
                    return true;
                case IP4:
                    return v4 && inNetwork(client, m.network(), m.cidr4());
                case IP6:
                    return !v4 && inNetwork(client, m.network(), m.cidr6());
                case INCLUDE: {
                    String target = expandDomain(m.domainSpec(), domain);
                    if (target == null) throw SpfAbort.perm("include of an empty name");
                    SpfRecord rec = fetch(target);
                    if (rec == null) throw SpfAbort.perm("include:" + target + " has no SPF record");
                    Outcome o = run(rec, target);
                    // section 5.2: only pass matches; errors propagate (thrown), the rest do not match
                    return o.result == Result.PASS;
                }
                case A: {
                    String target = targetOf(m, domain);
                    return target != null && anyInPrefix(addressesOf(target, true), m);
                }
                case MX:
                    return mx(targetOf(m, domain), m);
                case PTR: {
                    String target = targetOf(m, domain);
                    if (target == null) return false;
                    for (String name : validatedNames()) {
                        if (name.equals(target) || name.endsWith("." + target)) return true;
                    }
                    return false;
                }
                case EXISTS: {
                    String target = expandDomain(m.domainSpec(), domain);
                    if (target == null) return false;
                    Answer<InetAddress> a = ask(() -> dns.addresses(target));
                    if (a.status() == Status.TEMPORARY_FAILURE) throw SpfAbort.temp("DNS failure for A " + target);
                    // section 5.7: exists always asks for A records, whatever the client's family
                    for (InetAddress ip : a.records()) if (ip instanceof Inet4Address) return true;
                    countVoid(target);
                    return false;
                }
                default:
                    throw new IllegalStateException(m.kind().name());
            }
        }

        private String targetOf(Mechanism m, String domain) throws SpfAbort {
            return m.domainSpec() == null ? domain : expandDomain(m.domainSpec(), domain);
        }

        /** The mx mechanism (section 5.4): at most 10 MX names, each name's addresses. */
        private boolean mx(String target, Mechanism m) throws SpfAbort {
            if (target == null) return false;
            Answer<DnsResolver.Mx> a = ask(() -> dns.mx(target));
            if (a.status() == Status.TEMPORARY_FAILURE) throw SpfAbort.temp("DNS failure for MX " + target);
            if (!a.found()) {
                countVoid(target);
                return false;
            }
            if (a.records().size() > MAX_MX_NAMES) throw SpfAbort.perm("more than 10 MX records at " + target);
            List<DnsResolver.Mx> sorted = new ArrayList<>(a.records());
            sorted.sort((x, y) -> Integer.compare(x.preference(), y.preference()));
            for (DnsResolver.Mx mx : sorted) {
                if (mx.isNullMx()) continue;
                if (anyInPrefix(addressesOf(lower(mx.host()), true), m)) return true;
            }
            return false;
        }

        /** The addresses of the client's family at a name; a DNS failure is temperror when {@code strict}. */
        private List<InetAddress> addressesOf(String host, boolean strict) throws SpfAbort {
            Answer<InetAddress> a = ask(() -> dns.addresses(host));
            if (a.status() == Status.TEMPORARY_FAILURE) {
                if (strict) throw SpfAbort.temp("DNS failure for A/AAAA " + host);
                return List.of();
            }
            List<InetAddress> out = new ArrayList<>();
            for (InetAddress ip : a.records()) if ((ip instanceof Inet4Address) == v4) out.add(ip);
            if (out.isEmpty() && strict) countVoid(host);
            return out;
        }

        private boolean anyInPrefix(List<InetAddress> addresses, Mechanism m) {
            for (InetAddress ip : addresses) {
                if (inNetwork(client, ip, v4 ? m.cidr4() : m.cidr6())) return true;
            }
            return false;
        }

        /**
         * The client's validated host names (section 5.5): PTR names, at most 10, whose own addresses include the
         * client. DNS errors skip a name instead of failing the check, as the section says.
         */
        private List<String> validatedNames() throws SpfAbort {
            Answer<String> a = ask(() -> dns.ptr(client));
            List<String> out = new ArrayList<>();
            if (!a.found()) {
                if (a.status() != Status.TEMPORARY_FAILURE) countVoid("PTR of " + client.getHostAddress());
                return out;
            }
            List<String> names = a.records();
            for (int k = 0; k < names.size() && k < MAX_PTR_NAMES; k++) {
                String name = lower(names.get(k));
                if (!isValidDomain(name)) continue;
                for (InetAddress ip : addressesOf(name, false)) {
                    if (ip.equals(client)) {
                        out.add(name);
                        break;
                    }
                }
            }
            return out;
        }

        /** %{p}: a validated name, preferring the current domain or one of its subdomains (section 7.3). */
        private String validatedPtr(String domain) throws SpfAbort {
            if (validatedPtr == null) {
                List<String> names = validatedNames();
                String best = names.isEmpty() ? "unknown" : names.get(0);
                for (String n : names) {
                    if (n.equals(domain) || n.endsWith("." + domain)) {
                        best = n;
                        break;
                    }
                }
                validatedPtr = best;
            }
            return validatedPtr;
        }

        /** Explanation on fail (section 6.2): the exp= text if it resolves cleanly, else our default. */
        private String explain(SpfRecord record, String domain) {
            try {
                if (record.exp() != null) {
                    String target = expandDomain(record.exp(), domain);
                    if (target != null) {
                        // its own look-up, outside the limit of 10 (section 6.2)
                        Answer<String> a = ask(() -> dns.txt(target));
                        if (a.found() && a.records().size() == 1) {
                            String text = a.records().get(0);
                            if (text.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
                                return SpfMacros.expand(text, true, values(domain));
                            }
                        }
                    }
                }
            } catch (SpfAbort ignored) {
                // section 6.2: any error in the exp= look-up or text means the default explanation
            }
            try {
                return SpfMacros.expand(defaultExplanation, true, values(domain));
            } catch (SpfAbort e) {
                return defaultExplanation;
            }
        }

        /**
         * Expands a domain-spec and shortens it to 253 octets from the left (section 7.3); null when it comes out
         * empty or not a usable name (asked, such a name could only be NXDOMAIN).
         */
        private String expandDomain(String spec, String domain) throws SpfAbort {
            String s = SpfMacros.expand(spec, false, values(domain));
            if (s.endsWith(".")) s = s.substring(0, s.length() - 1);
            while (s.length() > 253) {
                int dot = s.indexOf('.');
                if (dot < 0) return null;
                s = s.substring(dot + 1);
            }
            s = lower(s);
            // a label DNS cannot carry (empty, over 63 octets) names nothing: such a target does not exist
            // (the suite's invalid-domain-long; RFC 7208 leaves it open, by analogy with section 4.3)
            for (String label : s.split("\\.", -1)) if (label.isEmpty() || label.length() > 63) return null;
            return s;
        }

        private SpfMacros.Values values(String domain) {
            return letter -> switch (letter) {
                case 's' -> sender;
                case 'l' -> local;
                case 'o' -> senderDomain;
                case 'd' -> domain;
                case 'i' -> dotted(client);
                case 'c' -> readable(client);
                case 'p' -> validatedPtr(domain);
                case 'v' -> v4 ? "in-addr" : "ip6";
                case 'h' -> helo;
                case 'r' -> receiver;
                case 't' -> Long.toString(clock.millis() / 1000);
                default -> throw SpfAbort.perm("macro letter " + letter);
            };
        }

        private void countTerm() throws SpfAbort {
            if (++dnsTerms > MAX_DNS_TERMS) throw SpfAbort.perm("more than 10 DNS look-up terms");
        }

        private void countVoid(String name) throws SpfAbort {
            if (++voidLookups > MAX_VOID_LOOKUPS) throw SpfAbort.perm("more than 2 void look-ups (last " + name + ")");
        }

        /** Asks DNS unless the budget is spent. */
        private <T> Answer<T> ask(java.util.function.Supplier<Answer<T>> question) throws SpfAbort {
            if (clock.millis() > deadline) throw SpfAbort.temp("SPF evaluation took longer than " + budget.toSeconds() + " s");
            return question.get();
        }
    }

    /** %{i}: an IPv4 address as written, an IPv6 address as 32 dot-separated nibbles (section 7.3). */
    static String dotted(InetAddress ip) {
        if (ip instanceof Inet6Address) {
            StringBuilder sb = new StringBuilder();
            for (byte b : ip.getAddress()) {
                if (sb.length() > 0) sb.append('.');
                sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append('.').append(Character.forDigit(b & 0xf, 16));
            }
            return sb.toString();
        }
        return ip.getHostAddress();
    }

    /** %{c}: IPv4 dotted, IPv6 in RFC 5952 form (the longest run of two or more zero groups as "::"). */
    static String readable(InetAddress ip) {
        if (!(ip instanceof Inet6Address)) return ip.getHostAddress();
        byte[] b = ip.getAddress();
        int[] g = new int[8];
        for (int k = 0; k < 8; k++) g[k] = ((b[2 * k] & 0xff) << 8) | (b[2 * k + 1] & 0xff);
        int bestStart = -1;
        int bestLen = 1;
        for (int k = 0; k < 8; ) {
            if (g[k] != 0) { k++; continue; }
            int e = k;
            while (e < 8 && g[e] == 0) e++;
            if (e - k > bestLen) { bestStart = k; bestLen = e - k; }
            k = e;
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                sb.append("::");
                k += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[k]));
        }
        return sb.toString();
    }

    static boolean inNetwork(InetAddress ip, InetAddress network, int prefix) {
        byte[] a = ip.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) return false;
        int full = prefix / 8;
        for (int k = 0; k < full; k++) if (a[k] != n[k]) return false;
        int bits = prefix % 8;
        if (bits == 0) return true;
        int mask = (0xff << (8 - bits)) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    /** Labels of 1 to 63 octets of letters, digits, hyphens and underscores, at most 253 octets in all. */
    static boolean isValidDomain(String d) {
        if (d.isEmpty() || d.length() > 253) return false;
        int labelStart = 0;
        for (int k = 0; k <= d.length(); k++) {
            if (k == d.length() || d.charAt(k) == '.') {
                int len = k - labelStart;
                if (len == 0 || len > 63) return false;
                labelStart = k + 1;
                continue;
            }
            char c = d.charAt(k);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static String lower(String s) {
        String t = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        return t.toLowerCase(Locale.ROOT);
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}

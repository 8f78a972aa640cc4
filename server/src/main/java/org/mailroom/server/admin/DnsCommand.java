package org.mailroom.server.admin;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.mailroom.core.dkim.DkimRotation;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.delivery.dns.DnsjavaResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mailroom dns records|check DOMAIN}: the records a domain needs, as zone-file lines to paste, and whether
 * DNS has them (see {@link DnsRecords} for what is printed and why).
 */
@Command(name = "dns", description = "Print or check the DNS records a local domain needs.", mixinStandardHelpOptions = true)
public final class DnsCommand {

    private final DirectoryOpener opener;
    private final Clock clock;

    @Spec
    CommandSpec spec;

    public DnsCommand(DirectoryOpener opener) {
        this(opener, Clock.systemUTC());
    }

    DnsCommand(DirectoryOpener opener, Clock clock) {
        this.opener = opener;
        this.clock = clock;
    }

    @Command(name = "records", description = "Print DOMAIN's records (MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, SRV,"
            + " autoconfig) as zone-file lines.", mixinStandardHelpOptions = true)
    int records(@Parameters(paramLabel = "DOMAIN") String name, @Mixin StoreOptions store) {
        return AdminRun.run(spec, store, opener, (config, directory, out) -> {
            String domain = AdminRun.domain(name);
            AdminRun.requireLocalDomain(directory, domain);
            List<DkimKeyRecord> keys = new DkimRotation(directory, config.dkim().rotation()).advance(domain, clock.instant());
            out.print(DnsRecords.zone(domain, config, keys));
        });
    }

    @Command(name = "check", description = "Look DOMAIN's records up (through dns.servers) and say, line by line,"
            + " OK, MISSING or WRONG. Exit code 1 unless all are OK.", mixinStandardHelpOptions = true)
    int check(@Parameters(paramLabel = "DOMAIN") String name, @Mixin StoreOptions store) {
        int[] bad = {0};
        int code = AdminRun.run(spec, store, opener, (config, directory, out) -> {
            String domain = AdminRun.domain(name);
            AdminRun.requireLocalDomain(directory, domain);
            List<DkimKeyRecord> keys = new DkimRotation(directory, config.dkim().rotation()).advance(domain, clock.instant());
            DnsCheck check = new DnsCheck(new DnsjavaResolver(config.dns().serverAddresses(), Duration.ofSeconds(5), clock));
            for (DnsCheck.Result r : check.check(DnsRecords.of(domain, config, keys))) {
                out.println(r.text());
                if (r.verdict() != DnsCheck.Verdict.OK) bad[0]++;
            }
            out.println(bad[0] == 0 ? "all records found" : bad[0] + " of the records are missing or wrong: see"
                    + " 'mailroom dns records " + domain + "'");
        });
        return code != 0 ? code : bad[0] == 0 ? 0 : 1;
    }
}

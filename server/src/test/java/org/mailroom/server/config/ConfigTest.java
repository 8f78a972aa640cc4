package org.mailroom.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @TempDir
    Path dir;

    private Path write(String toml) throws IOException {
        Path file = dir.resolve("mailroom.toml");
        Files.writeString(file, toml);
        return file;
    }

    private static Config withSets(String... keyValues) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) overrides.put(keyValues[i], keyValues[i + 1]);
        return Config.load(Optional.empty(), overrides);
    }

    private static String errorOf(String... keyValues) {
        try {
            withSets(keyValues);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no ConfigException");
    }

    @Test
    void defaults() {
        Config c = Config.defaults();
        assertThat(c.server().hostname()).isNotBlank();
        assertThat(c.server().dataDir()).isEqualTo(Path.of("./data"));
        assertThat(c.listen().smtpAddress()).contains(new InetSocketAddress(25));
        assertThat(c.listen().submissionAddress()).contains(new InetSocketAddress(587));
        assertThat(c.listen().submissionsAddress()).contains(new InetSocketAddress(465));
        assertThat(c.listen().imapAddress()).contains(new InetSocketAddress(143));
        assertThat(c.listen().imapsAddress()).contains(new InetSocketAddress(993));
        assertThat(c.listen().pop3Address()).contains(new InetSocketAddress(110));
        assertThat(c.listen().pop3sAddress()).contains(new InetSocketAddress(995));
        assertThat(c.tls().selfSigned()).isTrue();
        assertThat(c.store().isEmbedded()).isTrue();
        assertThat(c.dns().servers()).isEmpty();
        assertThat(c.outbound().port()).isEqualTo(25);
        assertThat(c.outbound().relay()).isEmpty();
        assertThat(c.outbound().retryIntervals()).containsExactly(Duration.ofMinutes(5), Duration.ofMinutes(10),
                Duration.ofMinutes(20), Duration.ofMinutes(40), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4));
        assertThat(c.outbound().lifetime()).isEqualTo(Duration.ofDays(5));
        assertThat(c.outbound().warnAfter()).isEqualTo(Duration.ofHours(4));
        assertThat(c.outbound().lease()).isEqualTo(Duration.ofMinutes(30));
        LimitsSection l = c.limits();
        assertThat(l.messageSize()).isEqualTo(35L * 1024 * 1024);
        assertThat(l.recipients()).isEqualTo(100);
        assertThat(l.commandLine()).isEqualTo(512);
        assertThat(l.textLine()).isEqualTo(1000);
        assertThat(l.connections()).isEqualTo(1000);
        assertThat(l.connectionsPerIp()).isEqualTo(50);
        assertThat(l.commandTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(l.sessionTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(l.errors()).isEqualTo(20);
        assertThat(l.authFailures()).isEqualTo(3);
        assertThat(l.pop3IdleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(l.imapIdleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(l.hopCount()).isEqualTo(50);
        assertThat(c.warnings()).isEmpty();
        // Safe for a new server: verify and annotate always, DMARC reject on, SPF alone never rejects.
        assertThat(c.auth()).isEqualTo(new AuthSection(true, true, false, false, "", java.util.List.of("127.0.0.0/8", "::1/128")));
        assertThat(c.auth().authservIdOr(c.server().hostname())).isEqualTo(c.server().hostname());
    }

    @Test
    void authSection() {
        Config c = Config.load(Optional.empty(), Map.of("auth.authserv_id", "mx.example.org",
                "auth.tempfail_on_dns_error", "true", "auth.verify", "false"));
        assertThat(c.auth().authservIdOr("other.example")).isEqualTo("mx.example.org");
        assertThat(c.auth().tempfailOnDnsError()).isTrue();
        assertThat(c.auth().verify()).isFalse();
        assertThatThrownBy(() -> Config.load(Optional.empty(), Map.of("auth.authserv_id", "a b")))
                .hasMessageContaining("auth.authserv_id");
        assertThatThrownBy(() -> Config.load(Optional.empty(), Map.of("auth.dmarc_reject", "\"yes\"")))
                .hasMessageContaining("auth.dmarc_reject");
    }

    @Test
    void fileOverridesDefaultsAndSetOverridesFile() throws IOException {
        Path file = write("""
                [server]
                hostname = "mx.example.org"
                data_dir = "/var/lib/mailroom"

                [limits]
                recipients = 200
                message_size = "10MB"
                connections = 7
                """);
        Config c = Config.load(Optional.of(file), Map.of("limits.recipients", "300"));
        assertThat(c.server().hostname()).isEqualTo("mx.example.org");
        assertThat(c.server().dataDir()).isEqualTo(Path.of("/var/lib/mailroom"));
        assertThat(c.limits().recipients()).isEqualTo(300);
        assertThat(c.limits().messageSize()).isEqualTo(10_000_000L);
        assertThat(c.limits().connections()).isEqualTo(7);
        assertThat(c.limits().hopCount()).isEqualTo(50);
    }

    @Test
    void setValuesAreTomlOrBareStrings() {
        Config c = withSets(
                "server.hostname", "mx.example.org",
                "dns.servers", "[\"127.0.0.1:5353\", \"[::1]\"]",
                "listen.smtp", "127.0.0.1:2525",
                "listen.imap", "",
                "outbound.relay_host", "smarthost.example.net:587",
                "outbound.retry_intervals", "[\"30s\", \"1h30m\"]",
                "limits.command_timeout", "\"90s\"",
                "limits.message_size", "512KiB");
        assertThat(c.server().hostname()).isEqualTo("mx.example.org");
        assertThat(c.dns().serverAddresses()).extracting(InetSocketAddress::getPort).containsExactly(5353, 53);
        assertThat(c.listen().smtpAddress()).contains(new InetSocketAddress("127.0.0.1", 2525));
        assertThat(c.listen().imapAddress()).isEmpty();
        assertThat(c.outbound().relay()).contains(new HostPort("smarthost.example.net", 587));
        assertThat(c.outbound().retryIntervals()).containsExactly(Duration.ofSeconds(30), Duration.ofMinutes(90));
        assertThat(c.outbound().retryInterval(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.outbound().retryInterval(5)).isEqualTo(Duration.ofMinutes(90));
        assertThat(c.limits().commandTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.limits().messageSize()).isEqualTo(512 * 1024L);
    }

    @Test
    void aSingleDnsServerNeedsNoBrackets() {
        assertThat(withSets("dns.servers", "127.0.0.1:5353").dns().serverAddresses())
                .containsExactly(new InetSocketAddress("127.0.0.1", 5353));
    }

    @Test
    void unknownKeysAreNamed() throws IOException {
        assertThat(errorOf("limits.recipent", "5")).isEqualTo("unknown key 'limits.recipent'");
        assertThat(errorOf("nosuch", "5")).isEqualTo("unknown key 'nosuch'");
        Path file = write("[limits]\nrecipent = 5\n");
        assertThatThrownBy(() -> Config.load(Optional.of(file), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("unknown key 'limits.recipent'");
        Path section = write("[limit]\nrecipients = 5\n");
        assertThatThrownBy(() -> Config.load(Optional.of(section), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("unknown key 'limit'");
    }

    @Test
    void badValuesAreNamedWithWhatWasExpected() {
        assertThat(errorOf("limits.recipients", "abc")).isEqualTo("limits.recipients: expected a number, got \"abc\"");
        assertThat(errorOf("limits.recipients", "2.5")).isEqualTo("limits.recipients: expected a number, got 2.5");
        assertThat(errorOf("limits.recipients", "0")).isEqualTo("limits.recipients: must be above zero, got 0");
        assertThat(errorOf("server.hostname", "[1, 2]")).isEqualTo("server.hostname: expected a string, got a list");
        assertThat(errorOf("dns.servers", "{ a = 1 }")).startsWith("dns.servers: expected ");
        assertThat(errorOf("outbound.lifetime", "5x"))
                .isEqualTo("outbound.lifetime: expected a duration such as \"30s\", \"5m\", \"4h\" or \"5d\", got \"5x\"");
        assertThat(errorOf("outbound.lifetime", "300")).isEqualTo("outbound.lifetime: expected a duration such as \"5m\", got 300");
        assertThat(errorOf("outbound.retry_intervals", "[\"5m\", \"soon\"]")).startsWith("outbound.retry_intervals: expected a duration")
                .contains("\"soon\"");
        assertThat(errorOf("outbound.retry_intervals", "[]")).isEqualTo("outbound.retry_intervals: needs at least one interval");
        assertThat(errorOf("limits.trusted_networks", "[\"10.0.0.0/33\"]"))
                .isEqualTo("limits.trusted_networks: bad prefix length in \"10.0.0.0/33\"");
        assertThat(errorOf("limits.trusted_networks", "[\"webmail.example.org\"]"))
                .isEqualTo("limits.trusted_networks: not an IP network: \"webmail.example.org\"");
        assertThat(withSets("limits.trusted_networks", "[\"192.0.2.0/24\", \"2001:db8::/48\"]").limits().trustedNetworks())
                .containsExactly("192.0.2.0/24", "2001:db8::/48");
        assertThat(errorOf("outbound.port", "70000")).isEqualTo("outbound.port: expected a port from 1 to 65535, got 70000");
        assertThat(errorOf("outbound.relay_host", ":25")).startsWith("outbound.relay_host: a relay needs a host");
        assertThat(errorOf("limits.message_size", "35 furlongs")).startsWith("limits.message_size: expected a size in bytes");
        assertThat(errorOf("limits.message_size", "true")).startsWith("limits.message_size: expected a size in bytes");
        assertThat(errorOf("limits.session_timeout", "0")).isEqualTo("limits.session_timeout: must be above zero");
        assertThat(errorOf("store.expunged_kept", "0")).isEqualTo("store.expunged_kept: expected at least 1, got 0");
        assertThat(errorOf("store.backend", "mysql")).isEqualTo("store.backend: expected \"embedded\" or \"postgresql\", got \"mysql\"");
        assertThat(errorOf("store.backend", "postgresql")).isEqualTo("store.url: needed when store.backend is \"postgresql\"");
        assertThat(errorOf("tls.certificate", "/etc/cert.pem")).isEqualTo("tls.private_key: needed with tls.certificate");
        assertThat(errorOf("listen.smtp", "25")).startsWith("listen.smtp: expected \"host:port\"");
        assertThat(errorOf("dns.servers", "[\"::1\"]")).startsWith("dns.servers: put an IPv6 address in brackets");
        assertThat(errorOf("server.hostname", "a b")).isEqualTo("server.hostname: expected a host name, got \"a b\"");
    }

    @Test
    void aSetWithALineBreakIsOneString() {
        assertThat(errorOf("listen.smtp", "\":25\"\nlimits.recipients = 1")).startsWith("listen.smtp: ");
    }

    @Test
    void fileErrorsNameTheFile() throws IOException {
        Path missing = dir.resolve("nope.toml");
        assertThatThrownBy(() -> Config.load(Optional.of(missing), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage(missing + ": no such file");
        Path broken = write("[limits]\nrecipients = = 3\n");
        assertThatThrownBy(() -> Config.load(Optional.of(broken), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(broken + ": line 2: not valid TOML");
        Path wrongType = write("[limits]\nrecipients = \"many\"\n");
        assertThatThrownBy(() -> Config.load(Optional.of(wrongType), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("limits.recipients: expected a number, got \"many\"");
        Path sectionAsValue = write("limits = 5\n");
        assertThatThrownBy(() -> Config.load(Optional.of(sectionAsValue), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("limits: expected a table, got 5");
    }

    @Test
    void emptyFileMeansDefaults() throws IOException {
        assertThat(Config.load(Optional.of(write("# nothing\n")), Map.of())).isEqualTo(Config.defaults());
    }

    @Test
    void rfcMinimumsBelowAdviceAreWarnings() {
        Config c = withSets("limits.recipients", "10", "limits.text_line", "998");
        assertThat(c.warnings()).hasSize(2);
        assertThat(c.warnings().get(0)).startsWith("limits.recipients is 10: RFC 5321 section 4.5.3.1.8");
    }

    @Test
    void theStorePasswordStaysOutOfToString() {
        Config c = withSets("store.password", "s3cret");
        assertThat(c.store().password()).isEqualTo("s3cret");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void theWrittenDefaultFileReadsBackAsTheDefaults() throws IOException {
        Path file = dir.resolve("sub/mailroom.toml");
        ConfigFile.writeDefault(file);
        String text = Files.readString(file);
        assertThat(Config.load(Optional.of(file), Map.of())).isEqualTo(Config.defaults());
        // Every key is there, commented; uncommented, the file still gives the defaults.
        for (String key : ConfigFile.keys()) {
            assertThat(text).contains("\n#" + key.substring(key.indexOf('.') + 1) + " = ");
        }
        Path uncommented = write(text.replaceAll("(?m)^#([a-z_0-9]+ = )", "$1"));
        assertThat(Config.load(Optional.of(uncommented), Map.of())).isEqualTo(Config.defaults());
        assertThatThrownBy(() -> ConfigFile.writeDefault(file)).isInstanceOf(IOException.class);
    }

    @Test
    void everyKeyCanBeSet() {
        List<String> keys = List.copyOf(ConfigFile.keys());
        assertThat(keys).hasSize(85);
        for (ConfigFile.Key key : ConfigFile.KEYS) {
            Config c = Config.load(Optional.empty(), Map.of(key.dotted(), key.tomlDefault()));
            assertThat(c).isEqualTo(Config.defaults());
        }
    }
}

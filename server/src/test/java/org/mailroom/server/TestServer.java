package org.mailroom.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.mailroom.core.store.Directory;
import org.mailroom.server.config.Config;

/**
 * A real Mailroom on loopback with ephemeral ports and a temporary data directory, with the domain
 * example.test, users alice and bob (password "secret"), and two aliases.
 */
final class TestServer implements AutoCloseable {

    static final String PASSWORD = "secret";

    final Server server;
    final Path dataDir;

    private TestServer(Server server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    static TestServer start(Path dataDir) throws IOException {
        return start(dataDir, Map.of());
    }

    static TestServer start(Path dataDir, Map<String, String> extra) throws IOException {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("server.hostname", "\"mx.example.test\"");
        overrides.put("server.data_dir", org.mailroom.server.admin.StoreOptions.tomlString(dataDir.toString()));
        for (String key : new String[] {"smtp", "submission", "submissions", "pop3", "pop3s", "imap", "imaps", "managesieve", "admin"}) {
            overrides.put("listen." + key, "\"127.0.0.1:0\"");
        }
        // Error replies are not slowed down here; SmtpLimitsTest checks the delay.
        overrides.put("limits.error_delay", "\"0s\"");
        overrides.put("limits.auth_delay", "\"0s\"");
        overrides.put("limits.auth_attempts_per_minute", "10000");
        // No SPF/DKIM/DMARC checks (they would ask the machine's resolvers): InboundAuthEndToEndTest turns them
        // on with a DNS server of its own.
        overrides.put("auth.verify", "false");
        overrides.putAll(extra);
        Server server = Server.start(Config.load(Optional.empty(), overrides));
        TestServer t = new TestServer(server, dataDir);
        Directory d = server.storage().directory();
        if (!d.isLocalDomain("example.test")) {
            d.addDomain("example.test");
            d.addAccount("alice@example.test", PASSWORD.toCharArray());
            d.addAccount("bob@example.test", PASSWORD.toCharArray());
            d.addAlias("team@example.test", "alice@example.test");
            d.addAlias("team@example.test", "bob@example.test");
            d.addAlias("fwd@example.test", "someone@elsewhere.test");
            d.addAlias("postmaster@example.test", "alice@example.test");
        }
        return t;
    }

    /** The admin HTTP listener (API, /metrics, health checks). */
    InetSocketAddress admin() {
        return server.addresses().get("admin");
    }

    InetSocketAddress smtp() {
        return server.addresses().get("smtp");
    }

    InetSocketAddress submission() {
        return server.addresses().get("submission");
    }

    InetSocketAddress submissions() {
        return server.addresses().get("submissions");
    }

    InetSocketAddress managesieve() {
        return server.addresses().get("managesieve");
    }

    InetSocketAddress pop3s() {
        return server.addresses().get("pop3s");
    }

    InetSocketAddress imap() {
        return server.addresses().get("imap");
    }

    InetSocketAddress imaps() {
        return server.addresses().get("imaps");
    }

    InetSocketAddress pop3() {
        return server.addresses().get("pop3");
    }

    @Override
    public void close() {
        server.close();
    }
}

package org.mailroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.server.config.Config;
import picocli.CommandLine;

/** The admin commands run as picocli runs them, against an in-memory directory. */
class AdminCommandsTest {

    @TempDir
    Path data;

    final InMemoryDirectory directory = new InMemoryDirectory();
    final List<Config> configsSeen = new ArrayList<>();
    final DirectoryOpener opener = config -> {
        configsSeen.add(config);
        directory.opened++;
        return DirectoryOpener.Handle.of(directory, () -> directory.closed++);
    };

    String out;
    String err;

    /** Runs one command with {@code --data} pointing at the temporary directory; returns the exit code. */
    int run(Object command, String... args) {
        String[] withData = new String[args.length + 2];
        System.arraycopy(args, 0, withData, 0, args.length);
        withData[args.length] = "--data";
        withData[args.length + 1] = data.toString();
        return runAsIs(command, withData);
    }

    int runAsIs(Object command, String... args) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(outText));
        cli.setErr(new PrintWriter(errText));
        int code = cli.execute(args);
        out = outText.toString();
        err = errText.toString();
        return code;
    }

    int domain(String... args) {
        return run(new DomainCommand(opener), args);
    }

    int user(String stdin, String... args) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        return run(new UserCommand(opener, in), args);
    }

    int alias(String... args) {
        return run(new AliasCommand(opener), args);
    }

    @BeforeEach
    void exampleDomain() {
        directory.domains.add("example.org");
    }

    @Test
    void domainsAreAddedListedAndRemoved() {
        assertThat(domain("add", "Example.NET")).isZero();
        assertThat(out.lines()).first().isEqualTo("domain example.net added");
        assertThat(directory.dkimKeys("example.net")).hasSize(2); // DkimCommandsTest tells more
        assertThat(directory.domains).contains("example.net");

        assertThat(domain("list")).isZero();
        assertThat(out.lines()).containsExactly("example.net", "example.org");
        assertThat(err).isEmpty();

        assertThat(domain("remove", "example.net")).isZero();
        assertThat(directory.domains).containsExactly("example.org");
        assertThat(directory.opened).isEqualTo(directory.closed).isEqualTo(3);
        assertThat(configsSeen.get(0).server().dataDir()).isEqualTo(data);
    }

    @Test
    void domainErrorsAreOneLineWithExitCodeOne() {
        assertThat(domain("add", "example.org")).isEqualTo(1);
        assertThat(err).isEqualTo("mailroom: domain 'example.org' is already a local domain" + System.lineSeparator());
        assertThat(out).isEmpty();

        assertThat(domain("add", "not a domain")).isEqualTo(1);
        assertThat(err).isEqualTo("mailroom: 'not a domain' is not a valid domain name" + System.lineSeparator());

        assertThat(domain("remove", "x.test")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: domain 'x.test' is not a local domain: add it first with 'mailroom domain add x.test'");

        directory.passwords.put("alice@example.org", "pw");
        directory.aliases.add(new org.mailroom.core.store.Directory.AliasEntry("postmaster@example.org", "alice@example.org"));
        assertThat(domain("remove", "example.org")).isEqualTo(1);
        assertThat(err).startsWith("mailroom: domain 'example.org' still has 1 account and 1 alias: remove them first");
        assertThat(directory.domains).contains("example.org");
    }

    @Test
    void usersAreAddedWithAPasswordFromStdin() {
        assertThat(user("s3cret pass\nnext line\n", "add", "Alice@Example.org", "--password-stdin")).isZero();
        assertThat(out.strip()).isEqualTo("account alice@example.org added");
        assertThat(directory.authenticate("alice@example.org", "s3cret pass".toCharArray())).contains("alice@example.org");

        assertThat(user("", "add", "bob@example.org", "--password", "pw2")).isZero();
        assertThat(err.strip()).isEqualTo("mailroom: warning: --password shows in the process list (ps); prefer --password-stdin");
        assertThat(directory.authenticate("bob@example.org", "pw2".toCharArray())).isPresent();

        assertThat(user("", "list")).isZero();
        assertThat(out.lines()).containsExactly("alice@example.org", "bob@example.org");
        assertThat(user("", "list", "example.org")).isZero();
        assertThat(out.lines()).hasSize(2);
        directory.domains.add("other.test");
        assertThat(user("", "list", "other.test")).isZero();
        assertThat(out).isEmpty();
    }

    @Test
    void appPasswordsAreAddedListedAndRemoved() {
        assertThat(user("pw\n", "add", "alice@example.org", "--password-stdin")).isZero();
        assertThat(user("", "app-password", "add", "Alice@example.org", "phone")).isZero();
        assertThat(out).matches("(?s)app password 'phone' of alice@example.org: [a-z]{4}-[a-z]{4}-[a-z]{4}-[a-z]{4}\\R.*");
        String printed = out.substring(out.indexOf(": ") + 2, out.indexOf(": ") + 21);
        assertThat(directory.appPasswords.get("alice@example.org")).containsEntry("phone", printed);
        assertThat(user("", "app-password", "add", "alice@example.org", "phone")).isEqualTo(1);
        assertThat(err).contains("named 'phone' already");
        assertThat(user("", "app-password", "add", "alice@example.org", "laptop")).isZero();

        assertThat(user("", "app-password", "list", "alice@example.org")).isZero();
        assertThat(out.lines()).extracting(l -> l.split("\t")[0]).containsExactly("laptop", "phone");

        assertThat(user("", "app-password", "remove", "alice@example.org", "phone")).isZero();
        assertThat(directory.appPasswords.get("alice@example.org")).containsOnlyKeys("laptop");
        assertThat(user("", "app-password", "remove", "alice@example.org", "phone")).isEqualTo(1);
        assertThat(user("", "app-password", "add", "nobody@example.org", "phone")).isEqualTo(1);
        assertThat(err).contains("no account 'nobody@example.org'");
        assertThat(user("", "app-password", "add", "alice@example.org")).isEqualTo(1);
        assertThat(err).contains("needs a NAME");
        assertThat(user("", "app-password", "revoke", "alice@example.org", "x")).isEqualTo(2);
    }

    @Test
    void quotasAreShownSetAndCleared() {
        assertThat(user("pw\n", "add", "alice@example.org", "--password-stdin")).isZero();
        assertThat(user("", "quota", "alice@example.org")).isZero();
        assertThat(out.strip()).isEqualTo("alice@example.org: none (the default, limits.mailbox_quota)");
        assertThat(user("", "quota", "Alice@example.org", "2G")).isZero();
        assertThat(out.strip()).isEqualTo("alice@example.org: 2147483648 bytes (its own)");
        assertThat(directory.quotas).containsEntry("alice@example.org", 2L << 30);
        assertThat(user("", "quota", "alice@example.org", "500MB")).isZero();
        assertThat(directory.quotas).containsEntry("alice@example.org", 500_000_000L);
        assertThat(user("", "quota", "alice@example.org", "0")).isZero();
        assertThat(out.strip()).isEqualTo("alice@example.org: none (its own)");
        assertThat(user("", "quota", "alice@example.org", "none")).isZero();
        assertThat(directory.quotas).isEmpty();
        assertThat(out.strip()).isEqualTo("alice@example.org: none (the default, limits.mailbox_quota)");

        assertThat(user("", "quota", "alice@example.org", "lots")).isEqualTo(1);
        assertThat(err).contains("expected a size").contains("or none");
        assertThat(user("", "quota", "nobody@example.org", "1G")).isEqualTo(1);
        assertThat(err).contains("no account 'nobody@example.org'");
    }

    @Test
    void passwdChangesThePassword() {
        directory.passwords.put("alice@example.org", "old");
        assertThat(user("new one\r\n", "passwd", "alice@example.org", "--password-stdin")).isZero();
        assertThat(out.strip()).isEqualTo("password of alice@example.org changed");
        assertThat(directory.authenticate("alice@example.org", "new one".toCharArray())).isPresent();
        assertThat(directory.authenticate("alice@example.org", "old".toCharArray())).isEmpty();

        assertThat(user("x\n", "passwd", "nobody@example.org", "--password-stdin")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: no account 'nobody@example.org'");
    }

    @Test
    void userErrors() {
        assertThat(user("pw\n", "add", "carol@x.test", "--password-stdin")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: domain 'x.test' is not a local domain: add it first with 'mailroom domain add x.test'");
        assertThat(directory.passwords).isEmpty();

        assertThat(user("pw\n", "add", "no-at-sign", "--password-stdin")).isEqualTo(1);
        assertThat(err).startsWith("mailroom: 'no-at-sign' is not a valid address: ");
        assertThat(err.lines()).hasSize(1);

        assertThat(user("", "add", "carol@example.org", "--password-stdin")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: no password on standard input");
        assertThat(user("\n", "add", "carol@example.org", "--password-stdin")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: empty password refused");

        directory.passwords.put("carol@example.org", "pw");
        assertThat(user("pw\n", "add", "CAROL@example.org", "--password-stdin")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: account 'carol@example.org' exists already");

        assertThat(user("", "remove", "dave@example.org")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: no account 'dave@example.org'");
        assertThat(user("", "remove", "carol@example.org")).isZero();
        assertThat(directory.passwords).isEmpty();
    }

    @Test
    void bothPasswordOptionsAreAUsageError() {
        assertThat(user("pw\n", "add", "carol@example.org", "--password-stdin", "--password", "x")).isEqualTo(2);
        assertThat(err).contains("mutually exclusive");
        assertThat(directory.passwords).isEmpty();
    }

    @Test
    void withoutATerminalThereIsNoPrompt() {
        // Tests run without a console; the command says what to do instead of hanging.
        if (System.console() == null) {
            assertThat(user("", "add", "carol@example.org")).isEqualTo(1);
            assertThat(err.strip()).isEqualTo("mailroom: no terminal to ask for the password: use --password-stdin");
        } else {
            assertThat(System.console()).isNotNull();
        }
    }

    @Test
    void aliasesAreAddedListedAndRemoved() {
        assertThat(alias("add", "Postmaster@example.org", "Alice@elsewhere.test")).isZero();
        assertThat(out.strip()).isEqualTo("alias postmaster@example.org -> Alice@elsewhere.test added");
        assertThat(alias("add", "postmaster@example.org", "bob@example.org")).isZero();
        assertThat(alias("add", "abuse@example.org", "bob@example.org")).isZero();

        assertThat(alias("list")).isZero();
        assertThat(out.lines()).containsExactly(
                "abuse@example.org bob@example.org",
                "postmaster@example.org Alice@elsewhere.test",
                "postmaster@example.org bob@example.org");
        assertThat(alias("list", "postmaster@example.org")).isZero();
        assertThat(out.lines()).hasSize(2);

        assertThat(alias("remove", "postmaster@example.org", "bob@example.org")).isZero();
        assertThat(directory.aliases).hasSize(2);
        assertThat(alias("remove", "postmaster@example.org", "bob@example.org")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: no alias postmaster@example.org -> bob@example.org");
    }

    @Test
    void aliasErrors() {
        assertThat(alias("add", "info@x.test", "bob@example.org")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: domain 'x.test' is not a local domain: add it first with 'mailroom domain add x.test'");
        assertThat(alias("add", "info@example.org", "INFO@example.org")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: an alias from 'info@example.org' to itself would loop");
        assertThat(alias("add", "info@example.org", "bob@example.org")).isZero();
        assertThat(alias("add", "info@example.org", "bob@example.org")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: alias info@example.org -> bob@example.org exists already");
        assertThat(alias("add", "info@example.org")).isEqualTo(2);
        assertThat(err).contains("Missing required parameter: 'TARGET'");
    }

    @Test
    void configurationErrorsAreOneLine() {
        assertThat(domain("list", "--set", "limits.recipent=5")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: unknown key 'limits.recipent'");
        assertThat(domain("list", "--set", "nonsense")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: --set expects key=value, got 'nonsense'");
        assertThat(directory.opened).isZero();
    }

    @Test
    void theConfigFileInTheDataDirectoryIsRead() throws Exception {
        Files.writeString(data.resolve("mailroom.toml"), "[server]\nhostname = \"mx.example.org\"\n");
        assertThat(domain("list", "--set", "limits.recipients=250")).isZero();
        Config seen = configsSeen.get(0);
        assertThat(seen.server().hostname()).isEqualTo("mx.example.org");
        assertThat(seen.limits().recipients()).isEqualTo(250);

        Path other = data.resolve("other.toml");
        Files.writeString(other, "[server]\nhostname = \"other.example.org\"\n");
        assertThat(domain("list", "--config", other.toString())).isZero();
        assertThat(configsSeen.get(1).server().hostname()).isEqualTo("other.example.org");
    }

    @Test
    void storageFailuresAreOneLine() {
        DirectoryOpener broken = config -> {
            throw new java.io.IOException("database is locked");
        };
        assertThat(run(new DomainCommand(broken), "list")).isEqualTo(1);
        assertThat(err.strip()).isEqualTo("mailroom: storage error: database is locked");
    }

    @Test
    void configCheckAndDefault() throws Exception {
        assertThat(run(new ConfigCommand(), "check", "--set", "limits.recipients=50")).isZero();
        assertThat(out).startsWith("configuration OK: defaults (no file), data directory " + data);
        assertThat(err).startsWith("mailroom: warning: limits.recipients is 50");
        assertThat(run(new ConfigCommand(), "check", "--set", "outbound.lifetime=soon")).isEqualTo(1);
        assertThat(err).startsWith("mailroom: outbound.lifetime: expected a duration");

        assertThat(runAsIs(new ConfigCommand(), "default")).isZero();
        Path file = data.resolve("printed.toml");
        Files.writeString(file, out);
        assertThat(run(new ConfigCommand(), "check", "--config", file.toString())).isZero();
        assertThat(out).startsWith("configuration OK: " + file);
    }

    @Test
    void readLineStopsAtTheLineEnd() throws Exception {
        InputStream in = new ByteArrayInputStream("pässword\r\nrest".getBytes(StandardCharsets.UTF_8));
        assertThat(UserCommand.readLine(in)).containsExactly("pässword".toCharArray());
        assertThat(UserCommand.readLine(in)).containsExactly("rest".toCharArray());
        assertThat(UserCommand.readLine(in)).isNull();
    }
}

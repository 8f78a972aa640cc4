package org.mailroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.server.Main;
import org.mailroom.storage.embedded.EmbeddedStorage;

/** {@code mailroom sieve ...} in-process on an embedded store, with the real compiler. */
class SieveCommandTest {

    @TempDir
    Path data;
    @TempDir
    Path files;

    @BeforeEach
    void accounts() throws Exception {
        try (EmbeddedStorage s = EmbeddedStorage.open(data)) {
            s.directory().addDomain("example.org");
            s.directory().addAccount("alice@example.org", "pw".toCharArray());
        }
    }

    /** Runs {@code mailroom ARGS --data DIR}; stdout, or "exit N: stderr" when it fails. */
    private String cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data", data.toString(), "--set", "sieve.max_scripts=2"));
        int code = cl.execute(all.toArray(new String[0]));
        return code == 0 ? out.toString() : "exit " + code + ": " + err;
    }

    private String file(String name, String text) throws Exception {
        return Files.writeString(files.resolve(name), text).toString();
    }

    @Test
    void putListActivateGetDeactivateDelete() throws Exception {
        String work = "require \"fileinto\";\nif header :contains \"subject\" \"report\" { fileinto \"Reports\"; }\n";
        assertThat(cli("sieve", "put", "Alice@example.org", "work", file("work.sieve", work)))
                .isEqualTo("script 'work' of alice@example.org stored\n");
        assertThat(cli("sieve", "put", "alice@example.org", "other", file("other.sieve", "keep;\n"))).contains("stored");
        assertThat(cli("sieve", "put", "alice@example.org", "third", file("third.sieve", "keep;\n")))
                .startsWith("exit 1: mailroom: alice@example.org has 2 scripts already (sieve.max_scripts)");
        assertThat(cli("sieve", "activate", "alice@example.org", "work")).contains("active");
        assertThat(cli("sieve", "list", "alice@example.org")).isEqualTo("other\nwork  (active)\n");
        assertThat(cli("sieve", "get", "alice@example.org", "work")).isEqualTo(work);
        assertThat(cli("sieve", "delete", "alice@example.org", "work")).startsWith("exit 1:").contains("active");
        assertThat(cli("sieve", "deactivate", "alice@example.org")).contains("no script");
        assertThat(cli("sieve", "delete", "alice@example.org", "work")).contains("deleted");
        assertThat(cli("sieve", "get", "alice@example.org", "work")).startsWith("exit 1:").contains("no script 'work'");
        assertThat(cli("sieve", "list", "nobody@example.org")).startsWith("exit 1:").contains("no account");
    }

    @Test
    void aScriptThatDoesNotCompileIsRefusedWithItsLine() throws Exception {
        String reply = cli("sieve", "put", "alice@example.org", "bad", file("bad.sieve", "keep;\nfrobnicate;\n"));
        assertThat(reply).startsWith("exit 1: mailroom: script 'bad' does not compile: line 2:");
        assertThat(cli("sieve", "list", "alice@example.org")).isEmpty();
    }

    @Test
    void aDomainsGlobalScripts() throws Exception {
        assertThat(cli("sieve", "put", "--domain", "example.org", "--before", file("b.sieve", "keep;\n")))
                .isEqualTo("script 'before' of @example.org stored\n");
        assertThat(cli("sieve", "put", "--domain", "example.org", "--after", file("a.sieve", "keep;\n"))).contains("stored");
        assertThat(cli("sieve", "list", "--domain", "example.org")).isEqualTo("after\nbefore\n");
        assertThat(cli("sieve", "get", "--domain", "example.org", "--before")).isEqualTo("keep;\n");
        assertThat(cli("sieve", "put", "--domain", "elsewhere.org", "--before", file("c.sieve", "keep;\n")))
                .startsWith("exit 1:").contains("not a local domain");
        assertThat(cli("sieve", "delete", "--domain", "example.org", "--after")).contains("deleted");
        try (EmbeddedStorage s = EmbeddedStorage.open(data)) {
            assertThat(s.sieveScripts().list("@example.org")).extracting(SieveScripts.Script::name).containsExactly("before");
        }
    }
}

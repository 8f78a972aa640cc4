package org.mailroom.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mailroom.core.store.SieveScripts;
import org.mailroom.storage.embedded.EmbeddedStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench sieve-scripts --data DIR on|off USER...}: gives each user the bench's 20-rule Sieve script and
 * makes it active ({@code on}), or leaves it stored but inactive ({@code off}), through the store's
 * {@link SieveScripts} while the server runs: delivery sees the change at the next message (it checks each
 * owner's script version), so {@code bench/compare --sieve} alternates runs with and without scripts.
 */
@Command(name = "sieve-scripts", mixinStandardHelpOptions = true,
        description = "Activate (on) or deactivate (off) a 20-rule Sieve script for USERs of an embedded data directory.")
final class SieveScriptsCommand implements Callable<Integer> {

    /**
     * Twenty rules of the kinds users write: list and sender sorting, spam flags, size, envelope and flag rules.
     * On the bench corpus (Subject "message N seed S", From sender@client.test) rule 19 files the messages whose
     * number starts with 1 into "Ones" (made on first use; more than half of a 2,000-message run) and rule 20
     * flags the rest; every other test is evaluated and fails,
     * which is the common case of a real filter.
     */
    static final String SCRIPT = String.join("\n",
            "require [\"fileinto\", \"mailbox\", \"envelope\", \"imap4flags\"];",
            "if header :contains \"list-id\" \"announce.example\" { fileinto :create \"Lists/Announce\"; stop; }",
            "if header :contains \"list-id\" \"dev.example\" { fileinto :create \"Lists/Dev\"; stop; }",
            "if address :domain :is \"from\" \"shop.example\" { fileinto :create \"Shopping\"; stop; }",
            "if address :is \"from\" \"boss@work.example\" { addflag \"\\\\Flagged\"; }",
            "if exists \"x-spam-flag\" { fileinto :create \"Junk\"; stop; }",
            "if header :matches \"subject\" \"*[SPAM]*\" { fileinto :create \"Junk\"; stop; }",
            "if size :over 20M { fileinto :create \"Large\"; stop; }",
            "if envelope :localpart :is \"from\" \"noreply\" { fileinto :create \"Notifications\"; stop; }",
            "if header :contains \"subject\" [\"invoice\", \"receipt\", \"order confirmation\"] { fileinto :create \"Receipts\"; stop; }",
            "if address :domain :is \"from\" [\"bank.example\", \"insurer.example\"] { fileinto :create \"Money\"; stop; }",
            "if header :is \"precedence\" \"bulk\" { fileinto :create \"Bulk\"; stop; }",
            "if anyof (header :contains \"subject\" \"newsletter\", exists \"list-unsubscribe\") { fileinto :create \"News\"; stop; }",
            "if address :localpart :is \"to\" \"alerts\" { fileinto :create \"Alerts\"; stop; }",
            "if header :contains \"x-mailer\" \"MassMailer\" { fileinto :create \"Junk\"; stop; }",
            "if allof (address :domain :is \"from\" \"family.example\", not header :contains \"subject\" \"fwd\") { addflag \"$Family\"; }",
            "if header :contains \"from\" \"calendar-notification\" { fileinto :create \"Calendar\"; stop; }",
            "if header :matches \"subject\" \"Re: *ticket #*\" { fileinto :create \"Support\"; stop; }",
            "if envelope :domain :is \"to\" \"other.example\" { fileinto :create \"Other\"; stop; }",
            "if header :contains \"subject\" \"message 1\" { fileinto :create \"Ones\"; stop; }",
            "if true { addflag \"$Bench\"; }",
            "");

    private final PrintStream out;

    SieveScriptsCommand(PrintStream out) {
        this.out = out;
    }

    @Option(names = "--data", required = true, description = "Mailroom's data directory (embedded store).")
    Path data;

    @Parameters(index = "0", paramLabel = "on|off")
    String state;

    @Parameters(index = "1..*", paramLabel = "USER")
    List<String> users;

    @Override
    public Integer call() throws Exception {
        boolean on = state.equals("on");
        if (!on && !state.equals("off")) throw new IllegalArgumentException("on or off, not " + state);
        try (EmbeddedStorage storage = EmbeddedStorage.open(data)) {
            SieveScripts scripts = storage.sieveScripts();
            for (String user : users) {
                if (on) {
                    scripts.put(user, "bench", SCRIPT);
                    scripts.activate(user, "bench");
                } else {
                    scripts.activate(user, null);
                }
            }
        }
        out.println("sieve scripts " + state + " for " + users.size() + " users");
        return 0;
    }
}

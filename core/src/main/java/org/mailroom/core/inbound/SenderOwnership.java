package org.mailroom.core.inbound;

import java.io.IOException;
import java.util.Locale;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory;

/**
 * Which sender addresses an authenticated user may use in submission (RFC 6409 section 4.3 leaves the policy to
 * the MSA): the account's own address, the same with a {@code +tag}, and any alias that delivers to the account.
 * Anything else is someone else's address.
 */
public final class SenderOwnership {

    private final Directory directory;

    public SenderOwnership(Directory directory) {
        this.directory = directory;
    }

    public boolean owns(String account, MailAddress address) throws IOException {
        String canonical = address.canonical();
        if (canonical.equals(account)) return true;
        String local = address.unquotedLocalPart().toLowerCase(Locale.ROOT);
        int plus = local.indexOf('+');
        if (plus > 0 && (local.substring(0, plus) + "@" + address.domain()).equals(account)) return true;
        Directory.Lookup found = directory.lookup(address);
        if (found instanceof Directory.Alias) {
            for (String target : ((Directory.Alias) found).targets()) {
                if (target.toLowerCase(Locale.ROOT).equals(account)) return true;
            }
        }
        return false;
    }
}

package org.mailroom.protocol.pop3;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.mailroom.core.auth.ScramCredentials;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory;

/**
 * Accounts and plain-text passwords in a map, with real SCRAM keys, for tests only (the real directory keeps
 * argon2id hashes).
 * Domains and aliases are not needed by POP3 and throw UnsupportedOperationException.
 */
public final class InMemoryDirectory implements Directory {

    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final Map<String, ScramCredentials> scram = new ConcurrentHashMap<>();

    @Override
    public void addAccount(String address, char[] password) {
        setPassword(address, password);
    }

    @Override
    public Optional<ScramCredentials> scramCredentials(String account) {
        return Optional.ofNullable(scram.get(account));
    }

    @Override
    public Optional<String> credentialStamp(String account) {
        String password = passwords.get(account);
        return password == null ? Optional.empty() : Optional.of(Integer.toHexString(password.hashCode()));
    }

    @Override
    public Optional<String> authenticate(String login, char[] password) {
        String account = login.toLowerCase(Locale.ROOT);
        String expected = passwords.get(account);
        return expected != null && expected.equals(new String(password)) ? Optional.of(account) : Optional.empty();
    }

    @Override
    public boolean removeAccount(String address) {
        return passwords.remove(address.toLowerCase(Locale.ROOT)) != null;
    }

    @Override
    public List<String> accounts() {
        return new ArrayList<>(passwords.keySet());
    }

    @Override
    public void setPassword(String address, char[] password) {
        passwords.put(address.toLowerCase(Locale.ROOT), new String(password));
        scram.put(address.toLowerCase(Locale.ROOT), ScramCredentials.create(password));
    }

    @Override
    public boolean isLocalDomain(String domain) {
        throw new UnsupportedOperationException("not used by POP3");
    }

    @Override
    public List<String> domains() {
        throw new UnsupportedOperationException("not used by POP3");
    }

    @Override
    public boolean addDomain(String domain) {
        throw new UnsupportedOperationException("not used by POP3");
    }

    @Override
    public boolean removeDomain(String domain) {
        throw new UnsupportedOperationException("not used by POP3");
    }

    @Override
    public void addAlias(String source, String target) {
        throw new UnsupportedOperationException("not used by POP3");
    }

    @Override
    public boolean removeAlias(String source, String target) {
        throw new UnsupportedOperationException("not used by POP3");
    }

    @Override
    public List<AliasEntry> aliases() {
        throw new UnsupportedOperationException("not used by POP3");
    }

    @Override
    public Lookup lookup(MailAddress address) {
        throw new UnsupportedOperationException("not used by POP3");
    }
}

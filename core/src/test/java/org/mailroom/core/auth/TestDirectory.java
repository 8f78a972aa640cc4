package org.mailroom.core.auth;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory;

/** Accounts with clear passwords and real SCRAM keys, counting the password checks. */
class TestDirectory implements Directory {

    private final Map<String, String> passwords = new HashMap<>();
    private final Map<String, ScramCredentials> scram = new HashMap<>();
    int authenticateCalls;

    @Override
    public synchronized void addAccount(String address, char[] password) {
        setPassword(address, password);
    }

    @Override
    public synchronized void setPassword(String address, char[] password) {
        String account = address.toLowerCase(Locale.ROOT);
        passwords.put(account, new String(password));
        scram.put(account, ScramCredentials.create(password));
    }

    @Override
    public synchronized Optional<String> authenticate(String login, char[] password) {
        authenticateCalls++;
        String account = login.toLowerCase(Locale.ROOT);
        return new String(password).equals(passwords.get(account)) ? Optional.of(account) : Optional.empty();
    }

    @Override
    public synchronized Optional<ScramCredentials> scramCredentials(String account) {
        return Optional.ofNullable(scram.get(account));
    }

    @Override
    public synchronized Optional<String> credentialStamp(String account) {
        String password = passwords.get(account);
        return password == null ? Optional.empty() : Optional.of(Integer.toHexString(password.hashCode()));
    }

    @Override
    public synchronized boolean removeAccount(String address) {
        scram.remove(address);
        return passwords.remove(address) != null;
    }

    @Override
    public boolean isLocalDomain(String domain) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> domains() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean addDomain(String domain) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean removeDomain(String domain) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<String> accounts() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void addAlias(String source, String target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean removeAlias(String source, String target) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<AliasEntry> aliases() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Lookup lookup(MailAddress address) {
        throw new UnsupportedOperationException();
    }
}

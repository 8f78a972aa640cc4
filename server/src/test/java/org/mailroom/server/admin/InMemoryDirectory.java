package org.mailroom.server.admin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.core.store.MailStoreException;

/** A Directory in memory for command tests; keeps passwords in clear, which only a test may do. */
final class InMemoryDirectory implements Directory {

    final Set<String> domains = new LinkedHashSet<>();
    final Map<String, String> passwords = new TreeMap<>();
    final List<AliasEntry> aliases = new ArrayList<>();
    /** account -> app password name -> the password as given (a test may keep it). */
    final Map<String, Map<String, String>> appPasswords = new TreeMap<>();
    int opened;
    int closed;

    private static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean isLocalDomain(String domain) {
        return domains.contains(domain.toLowerCase(Locale.ROOT));
    }

    @Override
    public List<String> domains() {
        return List.copyOf(domains);
    }

    @Override
    public boolean addDomain(String domain) {
        return domains.add(domain);
    }

    @Override
    public boolean removeDomain(String domain) throws IOException {
        for (String account : passwords.keySet()) {
            if (domainOf(account).equals(domain)) throw new MailStoreException("domain has accounts");
        }
        dkimKeys.removeIf(k -> k.domain().equals(domain));
        return domains.remove(domain);
    }

    @Override
    public void addAccount(String address, char[] password) throws IOException {
        if (!isLocalDomain(domainOf(address))) throw new MailStoreException.NotFound("no domain");
        if (passwords.containsKey(address)) throw new MailStoreException.AlreadyExists(address);
        passwords.put(address, new String(password));
    }

    @Override
    public boolean removeAccount(String address) {
        return passwords.remove(address) != null;
    }

    @Override
    public List<String> accounts() {
        return List.copyOf(passwords.keySet());
    }

    @Override
    public void setPassword(String address, char[] password) throws IOException {
        if (!passwords.containsKey(address)) throw new MailStoreException.NotFound(address);
        passwords.put(address, new String(password));
    }

    @Override
    public Optional<String> authenticate(String login, char[] password) {
        String canonical = login.toLowerCase(Locale.ROOT);
        String expected = passwords.get(canonical);
        return expected != null && expected.equals(new String(password)) ? Optional.of(canonical) : Optional.empty();
    }

    @Override
    public void addAlias(String source, String target) throws IOException {
        AliasEntry entry = new AliasEntry(source, target);
        if (aliases.contains(entry)) throw new MailStoreException.AlreadyExists(source);
        aliases.add(entry);
    }

    @Override
    public boolean removeAlias(String source, String target) {
        return aliases.remove(new AliasEntry(source, target));
    }

    @Override
    public List<AliasEntry> aliases() {
        return List.copyOf(aliases);
    }

    @Override
    public Lookup lookup(MailAddress address) {
        String key = address.canonical();
        if (passwords.containsKey(key)) return new Local(key);
        List<String> targets = new ArrayList<>();
        for (AliasEntry alias : aliases) if (alias.source().equals(key)) targets.add(alias.target());
        return targets.isEmpty() ? new Unknown() : new Alias(targets);
    }

    @Override
    public void addAppPassword(String account, String name, char[] password) throws IOException {
        if (!passwords.containsKey(account)) throw new MailStoreException.NotFound("no account " + account);
        Map<String, String> mine = appPasswords.computeIfAbsent(account, a -> new TreeMap<>());
        if (mine.containsKey(name)) throw new MailStoreException.AlreadyExists("app password exists: " + name);
        mine.put(name, new String(password));
    }

    @Override
    public boolean removeAppPassword(String account, String name) {
        Map<String, String> mine = appPasswords.get(account);
        return mine != null && mine.remove(name) != null;
    }

    @Override
    public List<AppPassword> appPasswords(String account) throws IOException {
        if (!passwords.containsKey(account)) throw new MailStoreException.NotFound("no account " + account);
        List<AppPassword> out = new ArrayList<>();
        appPasswords.getOrDefault(account, Map.of()).keySet()
                .forEach(name -> out.add(new AppPassword(name, java.time.Instant.EPOCH)));
        return out;
    }

    final List<DkimKeyRecord> dkimKeys = new ArrayList<>();

    @Override
    public List<DkimKeyRecord> dkimKeys(String domain) {
        return dkimKeys.stream().filter(k -> k.domain().equals(domain.toLowerCase(Locale.ROOT))).toList();
    }

    @Override
    public void addDkimKey(DkimKeyRecord key) throws IOException {
        if (!isLocalDomain(key.domain())) throw new MailStoreException.NotFound("not a local domain: " + key.domain());
        for (DkimKeyRecord k : dkimKeys(key.domain())) {
            if (k.selector().equals(key.selector())) throw new MailStoreException.AlreadyExists(key.selector());
        }
        dkimKeys.add(key);
    }

    @Override
    public boolean setDkimKeyState(String domain, String selector, DkimKeyRecord.State from, DkimKeyRecord.State to,
                                   java.time.Instant retireAfter) {
        for (int i = 0; i < dkimKeys.size(); i++) {
            DkimKeyRecord k = dkimKeys.get(i);
            if (k.domain().equals(domain) && k.selector().equals(selector) && k.state() == from) {
                dkimKeys.set(i, k.withState(to, retireAfter));
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean removeDkimKey(String domain, String selector) {
        return dkimKeys.removeIf(k -> k.domain().equals(domain) && k.selector().equals(selector));
    }

    final Map<String, Long> quotas = new TreeMap<>();

    @Override
    public java.util.OptionalLong quota(String account) throws IOException {
        if (!passwords.containsKey(account)) throw new MailStoreException.NotFound("no account " + account);
        Long own = quotas.get(account);
        return own == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(own);
    }

    @Override
    public void setQuota(String account, java.util.OptionalLong bytes) throws IOException {
        if (!passwords.containsKey(account)) throw new MailStoreException.NotFound("no account " + account);
        if (bytes.isPresent()) quotas.put(account, bytes.getAsLong());
        else quotas.remove(account);
    }
}

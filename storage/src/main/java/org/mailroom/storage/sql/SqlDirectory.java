package org.mailroom.storage.sql;

import static org.mailroom.storage.StoreValues.canonical;
import static org.mailroom.storage.StoreValues.domain;
import static org.mailroom.storage.StoreValues.sha256;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.mailroom.core.auth.AppPasswords;
import org.mailroom.core.auth.PasswordHash;
import org.mailroom.core.auth.PasswordLogin;
import org.mailroom.core.auth.ScramCredentials;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.core.store.MailStoreException;

/**
 * Domains, accounts and aliases, in SQLite or PostgreSQL. Nothing is cached: every question is a query
 * (microseconds on an indexed table), which is how a change by the admin CLI (another process) or on another
 * node is seen by the running server at once.
 *
 * <p>Password hashing (tens of milliseconds) always happens on the caller's thread, never inside the
 * write work, so it neither holds up SQLite's group commit of other writers nor holds a PostgreSQL connection.
 * The same holds for the SCRAM keys (PBKDF2) stored with every password.
 */
public final class SqlDirectory implements Directory {

    private final Transactions db;
    private final Dialect dialect;
    /** An address's alias targets, in the order they were added (asked for every recipient: built once). */
    private final String aliasTargets;

    public SqlDirectory(Transactions db, Dialect dialect) {
        this.db = db;
        this.dialect = dialect;
        this.aliasTargets = "SELECT target FROM alias WHERE source = ? ORDER BY " + dialect.aliasOrder();
    }

    @Override
    public boolean isLocalDomain(String domain) throws IOException {
        String name = domain(domain);
        return db.read(sql -> sql.exists("SELECT 1 FROM domain WHERE name = ?", name));
    }

    @Override
    public List<String> domains() throws IOException {
        return db.read(sql -> sql.query("SELECT name FROM domain ORDER BY name", rs -> rs.getString(1)));
    }

    @Override
    public boolean addDomain(String domain) throws IOException {
        String name = domain(domain);
        return db.write(sql -> sql.update(dialect.insertOrIgnore("INSERT INTO domain (name, created) VALUES (?, ?)"),
                name, System.currentTimeMillis()) > 0);
    }

    @Override
    public boolean removeDomain(String domain) throws IOException {
        String name = domain(domain);
        return db.write(sql -> {
            if (sql.exists("SELECT 1 FROM account WHERE domain = ?", name)
                    || sql.exists("SELECT 1 FROM alias WHERE domain = ?", name)) {
                throw new MailStoreException("domain " + name + " still has accounts or aliases");
            }
            sql.update("DELETE FROM dkim_key WHERE domain = ?", name);
            SieveOwners.remove(sql, "@" + name);
            return sql.update("DELETE FROM domain WHERE name = ?", name) > 0;
        });
    }

    @Override
    public void addAccount(String address, char[] password) throws IOException {
        MailAddress parsed = MailAddress.parse(address);
        String account = parsed.canonical();
        String hash = PasswordHash.hash(password);
        ScramCredentials scram = ScramCredentials.create(password);
        db.write(sql -> {
            if (!sql.exists("SELECT 1 FROM domain WHERE name = ?", parsed.domain())) {
                throw new MailStoreException.NotFound("not a local domain: " + parsed.domain());
            }
            if (sql.exists("SELECT 1 FROM account WHERE address = ?", account)) {
                throw new MailStoreException.AlreadyExists("account exists: " + account);
            }
            if (sql.exists("SELECT 1 FROM alias WHERE source = ?", account)) {
                throw new MailStoreException.AlreadyExists("an alias of that name exists: " + account);
            }
            sql.update("INSERT INTO account (address, domain, password, created, scram_salt, scram_iterations,"
                    + " scram_stored_key, scram_server_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    account, parsed.domain(), hash, System.currentTimeMillis(), scram.salt(), scram.iterations(),
                    scram.storedKey(), scram.serverKey());
            return null;
        });
    }

    @Override
    public boolean removeAccount(String address) throws IOException {
        String account = canonical(address);
        return db.write(sql -> {
            if (sql.update("DELETE FROM account WHERE address = ?", account) == 0) return false;
            SieveOwners.remove(sql, account);
            return true;
        });
    }

    @Override
    public List<String> accounts() throws IOException {
        return db.read(sql -> sql.query("SELECT address FROM account ORDER BY address", rs -> rs.getString(1)));
    }

    @Override
    public void setPassword(String address, char[] password) throws IOException {
        String account = canonical(address);
        String hash = PasswordHash.hash(password);
        ScramCredentials scram = ScramCredentials.create(password);
        db.write(sql -> {
            if (sql.update("UPDATE account SET password = ?, scram_salt = ?, scram_iterations = ?,"
                    + " scram_stored_key = ?, scram_server_key = ? WHERE address = ?", hash, scram.salt(),
                    scram.iterations(), scram.storedKey(), scram.serverKey(), account) == 0) {
                throw new MailStoreException.NotFound("no account " + account);
            }
            return null;
        });
    }

    @Override
    public Optional<String> authenticate(String login, char[] password) throws IOException {
        String account;
        try {
            account = canonical(login);
        } catch (IllegalArgumentException e) {
            account = null;
        }
        return PasswordLogin.check(account, password, credentials);
    }

    /** The three look-ups of a password login, in this store's SQL. */
    private final PasswordLogin.Credentials credentials = new PasswordLogin.Credentials() {
        @Override
        public Optional<PasswordLogin.Stored> password(String account) throws IOException {
            // A disabled account answers as an unknown one: the same dummy hashing, no app passwords.
            return db.read(sql -> sql.queryOne("SELECT password, scram_iterations FROM account"
                    + " WHERE address = ? AND NOT disabled",
                    rs -> new PasswordLogin.Stored(rs.getString(1), rs.getInt(2)), account));
        }

        @Override
        public boolean hasAppPassword(String account, String digest) throws IOException {
            return db.read(sql -> sql.exists("SELECT 1 FROM app_password WHERE account = ? AND digest = ?",
                    account, digest));
        }

        @Override
        public void upgrade(String account, String newPhc, ScramCredentials scram, String oldPhc) throws IOException {
            db.write(sql -> sql.update("UPDATE account SET password = ?, scram_salt = ?, scram_iterations = ?,"
                    + " scram_stored_key = ?, scram_server_key = ? WHERE address = ? AND password = ?",
                    newPhc, scram.salt(), scram.iterations(), scram.storedKey(), scram.serverKey(), account, oldPhc));
        }
    };

    @Override
    public Optional<ScramCredentials> scramCredentials(String account) throws IOException {
        return db.read(sql -> sql.queryOne("SELECT scram_salt, scram_iterations, scram_stored_key, scram_server_key"
                + " FROM account WHERE address = ? AND scram_salt IS NOT NULL AND NOT disabled",
                rs -> new ScramCredentials(rs.getBytes(1), rs.getInt(2), rs.getBytes(3), rs.getBytes(4)), account));
    }

    /** The account's own storage limit: the {@code quota} column, NULL when the default applies. */
    @Override
    public OptionalLong quota(String address) throws IOException {
        String account = canonical(address);
        Optional<long[]> row = db.read(sql -> sql.queryOne("SELECT quota FROM account WHERE address = ?",
                rs -> {
                    long value = rs.getLong(1);
                    return rs.wasNull() ? new long[0] : new long[] {value};
                }, account));
        if (row.isEmpty()) throw new MailStoreException.NotFound("no account " + account);
        return row.get().length == 0 ? OptionalLong.empty() : OptionalLong.of(row.get()[0]);
    }

    @Override
    public void setQuota(String address, OptionalLong bytes) throws IOException {
        String account = canonical(address);
        if (bytes.isPresent() && bytes.getAsLong() < 0) throw new IllegalArgumentException("negative quota");
        Long value = bytes.isPresent() ? bytes.getAsLong() : null;
        int updated = db.write(sql -> sql.update("UPDATE account SET quota = ? WHERE address = ?", value, account));
        if (updated == 0) throw new MailStoreException.NotFound("no account " + account);
    }

    @Override
    public boolean setDisabled(String address, boolean disabled) throws IOException {
        String account = canonical(address);
        return db.write(sql -> sql.update("UPDATE account SET disabled = ? WHERE address = ?", disabled, account) > 0);
    }

    @Override
    public boolean isDisabled(String address) throws IOException {
        String account = canonical(address);
        return db.read(sql -> sql.queryOne("SELECT disabled FROM account WHERE address = ?",
                rs -> rs.getBoolean(1), account))
                .orElseThrow(() -> new MailStoreException.NotFound("no account " + account));
    }

    @Override
    public Optional<String> credentialStamp(String account) throws IOException {
        return db.read(sql -> {
            // No stamp for a disabled account: a cached login of it no longer counts.
            Optional<String> phc = sql.queryOne("SELECT password FROM account WHERE address = ? AND NOT disabled",
                    rs -> rs.getString(1), account);
            if (phc.isEmpty()) return Optional.empty();
            StringBuilder all = new StringBuilder(phc.get());
            for (String digest : sql.query("SELECT digest FROM app_password WHERE account = ? ORDER BY name",
                    rs -> rs.getString(1), account)) {
                all.append('\n').append(digest);
            }
            return Optional.of(sha256(all.toString()));
        });
    }

    @Override
    public void addAppPassword(String address, String name, char[] password) throws IOException {
        String account = canonical(address);
        if (name == null || name.isBlank()) throw new IllegalArgumentException("empty app password name");
        String digest = AppPasswords.digest(password);
        if (digest == null) throw new IllegalArgumentException("not an app password (16 letters)");
        db.write(sql -> {
            if (!sql.exists("SELECT 1 FROM account WHERE address = ?", account)) {
                throw new MailStoreException.NotFound("no account " + account);
            }
            if (sql.update(dialect.insertOrIgnore("INSERT INTO app_password (account, name, digest, created)"
                    + " VALUES (?, ?, ?, ?)"),
                    account, name, digest, System.currentTimeMillis()) == 0) {
                throw new MailStoreException.AlreadyExists("app password exists: " + name);
            }
            return null;
        });
    }

    @Override
    public boolean removeAppPassword(String address, String name) throws IOException {
        String account = canonical(address);
        return db.write(sql -> sql.update("DELETE FROM app_password WHERE account = ? AND name = ?",
                account, name) > 0);
    }

    @Override
    public List<AppPassword> appPasswords(String address) throws IOException {
        String account = canonical(address);
        return db.read(sql -> {
            if (!sql.exists("SELECT 1 FROM account WHERE address = ?", account)) {
                throw new MailStoreException.NotFound("no account " + account);
            }
            return sql.query("SELECT name, created FROM app_password WHERE account = ? ORDER BY name",
                    rs -> new AppPassword(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2))), account);
        });
    }

    @Override
    public void addAlias(String source, String target) throws IOException {
        MailAddress parsed = MailAddress.parse(source);
        String from = parsed.canonical();
        String to = canonical(target);
        db.write(sql -> {
            if (!sql.exists("SELECT 1 FROM domain WHERE name = ?", parsed.domain())) {
                throw new MailStoreException.NotFound("not a local domain: " + parsed.domain());
            }
            if (sql.exists("SELECT 1 FROM account WHERE address = ?", from)) {
                throw new MailStoreException.AlreadyExists("an account of that name exists: " + from);
            }
            if (sql.update(dialect.insertOrIgnore("INSERT INTO alias (source, target, domain, created)"
                    + " VALUES (?, ?, ?, ?)"),
                    from, to, parsed.domain(), System.currentTimeMillis()) == 0) {
                throw new MailStoreException.AlreadyExists("alias exists: " + from + " -> " + to);
            }
            return null;
        });
    }

    @Override
    public boolean removeAlias(String source, String target) throws IOException {
        String from = canonical(source);
        String to = canonical(target);
        return db.write(sql -> sql.update("DELETE FROM alias WHERE source = ? AND target = ?", from, to) > 0);
    }

    @Override
    public List<AliasEntry> aliases() throws IOException {
        return db.read(sql -> sql.query("SELECT source, target FROM alias ORDER BY source, " + dialect.aliasOrder(),
                rs -> new AliasEntry(rs.getString(1), rs.getString(2))));
    }

    @Override
    public Lookup lookup(MailAddress address) throws IOException {
        String key = address.canonical();
        return db.read(sql -> lookup(sql, key));
    }

    /** Both questions in one read transaction: one BEGIN and COMMIT fewer per recipient than asking each. */
    @Override
    public Optional<Lookup> lookupIfLocal(MailAddress address) throws IOException {
        String name = domain(address.domain());
        String key = address.canonical();
        return db.read(sql -> sql.exists("SELECT 1 FROM domain WHERE name = ?", name)
                ? Optional.of(lookup(sql, key)) : Optional.<Lookup>empty());
    }

    private Lookup lookup(Sql sql, String key) throws SQLException {
        if (sql.exists("SELECT 1 FROM account WHERE address = ?", key)) return new Local(key);
        List<String> targets = sql.query(aliasTargets, rs -> rs.getString(1), key);
        return targets.isEmpty() ? new Unknown() : new Alias(targets);
    }


    @Override
    public List<DkimKeyRecord> dkimKeys(String domain) throws IOException {
        String name = domain(domain);
        return db.read(sql -> sql.query("SELECT domain, selector, algorithm, private_key, created, state, retire_after"
                + " FROM dkim_key WHERE domain = ? ORDER BY created, selector", rs -> {
                    long retire = rs.getLong(7);
                    Instant retireAfter = rs.wasNull() ? null : Instant.ofEpochMilli(retire);
                    return new DkimKeyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            Instant.ofEpochMilli(rs.getLong(5)), DkimKeyRecord.State.of(rs.getString(6)), retireAfter);
                }, name));
    }

    @Override
    public void addDkimKey(DkimKeyRecord key) throws IOException {
        String name = domain(key.domain());
        db.write(sql -> {
            if (!sql.exists("SELECT 1 FROM domain WHERE name = ?", name)) {
                throw new MailStoreException.NotFound("not a local domain: " + name);
            }
            if (sql.update(dialect.insertOrIgnore("INSERT INTO dkim_key (domain, selector, algorithm, private_key,"
                    + " created, state, retire_after) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                    name, key.selector(), key.algorithm(), key.privateKey(), key.created().toEpochMilli(),
                    key.state().text(), key.retireAfter() == null ? null : key.retireAfter().toEpochMilli()) == 0) {
                throw new MailStoreException.AlreadyExists("DKIM selector exists: " + key.selector() + " of " + name);
            }
            return null;
        });
    }

    @Override
    public boolean setDkimKeyState(String domain, String selector, DkimKeyRecord.State from, DkimKeyRecord.State to,
                                   Instant retireAfter) throws IOException {
        String name = domain(domain);
        Long retire = retireAfter == null ? null : retireAfter.toEpochMilli();
        return db.write(sql -> sql.update("UPDATE dkim_key SET state = ?, retire_after = ?"
                + " WHERE domain = ? AND selector = ? AND state = ?", to.text(), retire, name, selector, from.text()) > 0);
    }

    @Override
    public boolean removeDkimKey(String domain, String selector) throws IOException {
        String name = domain(domain);
        return db.write(sql -> sql.update("DELETE FROM dkim_key WHERE domain = ? AND selector = ?", name, selector) > 0);
    }

    // ---- admin API tokens ----

    @Override
    public void addAdminToken(String name, String digest) throws IOException {
        db.write(sql -> {
            if (sql.update(dialect.insertOrIgnore("INSERT INTO admin_token (name, digest, created) VALUES (?, ?, ?)"),
                    name, digest, System.currentTimeMillis()) == 0) {
                throw new MailStoreException.AlreadyExists("admin token exists: " + name);
            }
            return null;
        });
    }

    @Override
    public boolean removeAdminToken(String name) throws IOException {
        return db.write(sql -> sql.update("DELETE FROM admin_token WHERE name = ?", name) > 0);
    }

    @Override
    public List<AdminToken> adminTokens() throws IOException {
        return db.read(sql -> sql.query("SELECT name, digest, created FROM admin_token ORDER BY name",
                rs -> new AdminToken(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)))));
    }
}

package org.mailroom.server.admin;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.Directory.AliasEntry;
import org.mailroom.core.store.DkimKeyRecord;

/**
 * What the admin commands do to domains, accounts, aliases, app passwords, admin tokens and DKIM keys, with two
 * transports behind it: {@link DirectoryAdmin} changes the directory itself (used by the admin API, and by the
 * command line when no server runs), {@link RemoteAdmin} sends the same request to the running server's admin API
 * (so the server is the only writer and its caches see the change at once). The commands are written once against
 * this interface; {@link AdminRun} picks the transport.
 *
 * <p>Every method refuses with an {@link AdminException} whose message is the one line the operator reads,
 * whichever transport carried it (the API sends the same message back as {@code {"error": ...}}).
 */
public interface AdminOperations {

    /** A DKIM key with when it starts signing (a PUBLISHED key; else null). The private key may be absent. */
    record DkimStatus(DkimKeyRecord key, Instant signsFrom) {}

    // ---- domains ----

    List<String> domains() throws IOException, AdminException;

    DirectoryAdmin.AddedDomain addDomain(String name) throws IOException, AdminException;

    String removeDomain(String name) throws IOException, AdminException;

    // ---- accounts ----

    List<String> accounts(String domain) throws IOException, AdminException;

    String checkNewAccount(String text) throws IOException, AdminException;

    void addAccount(String account, char[] password) throws IOException, AdminException;

    String checkAccount(String text) throws IOException, AdminException;

    void setPassword(String account, char[] password) throws IOException, AdminException;

    String removeAccount(String text) throws IOException, AdminException;

    OptionalLong quota(String account) throws IOException, AdminException;

    void setQuota(String account, OptionalLong bytes) throws IOException, AdminException;

    /**
     * Disables (every login refused; mail still delivered) or enables an account again.
     * @return the canonical account
     */
    String setDisabled(String text, boolean disabled) throws IOException, AdminException;

    // ---- app passwords ----

    /** Makes an app password and returns it (the only time it is seen); the caller clears it. */
    char[] addAppPassword(String account, String name) throws IOException, AdminException;

    List<Directory.AppPassword> appPasswords(String account) throws IOException, AdminException;

    void removeAppPassword(String account, String name) throws IOException, AdminException;

    // ---- aliases ----

    List<AliasEntry> aliases(String source) throws IOException, AdminException;

    AliasEntry addAlias(String sourceText, String targetText) throws IOException, AdminException;

    AliasEntry removeAlias(String sourceText, String targetText) throws IOException, AdminException;

    // ---- admin tokens ----

    /** Makes a token and returns it (the only time it is seen). */
    String addToken(String name) throws IOException, AdminException;

    /** Names and creation times (the digest may be absent). */
    List<Directory.AdminToken> tokens() throws IOException, AdminException;

    void removeToken(String name) throws IOException, AdminException;

    // ---- DKIM keys ----

    /** The keys of {@code domain} (null: every domain), after moving them on as the rotation rules say. */
    List<DkimStatus> dkimKeys(String domain) throws IOException, AdminException;

    /** Makes the domain's next pair (ACTIVE if it had none signing, else PUBLISHED) and returns it. */
    List<DkimStatus> rotateDkim(String domain) throws IOException, AdminException;

    /** Removes a key; a signing one only with {@code force}. Returns the canonical domain. */
    String retireDkim(String domain, String selector, boolean force) throws IOException, AdminException;
}

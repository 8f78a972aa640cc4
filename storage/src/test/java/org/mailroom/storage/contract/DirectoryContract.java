package org.mailroom.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.mailroom.core.auth.AppPasswords;
import org.mailroom.core.auth.ScramCredentials;
import org.mailroom.core.mail.MailAddress;
import org.mailroom.core.store.Directory;
import org.mailroom.core.store.Directory.Alias;
import org.mailroom.core.store.Directory.AliasEntry;
import org.mailroom.core.store.Directory.Local;
import org.mailroom.core.store.Directory.Unknown;
import org.mailroom.core.store.DkimKeyRecord;
import org.mailroom.core.store.MailStoreException;

/** The {@link Directory} contract. Password hashing is slow on purpose, so logins are few here. */
public abstract class DirectoryContract extends StorageContract {

    @Test
    void domains() throws Exception {
        Directory directory = open().directory();
        assertThat(directory.addDomain("Example.TEST")).isTrue();
        assertThat(directory.addDomain("example.test")).isFalse();
        directory.addDomain("other.test");
        assertThat(directory.domains()).containsExactly("example.test", "other.test");
        assertThat(directory.isLocalDomain("EXAMPLE.test")).isTrue();
        assertThat(directory.isLocalDomain("elsewhere.test")).isFalse();
        assertThat(directory.removeDomain("other.test")).isTrue();
        assertThat(directory.removeDomain("other.test")).isFalse();
        assertThat(directory.domains()).containsExactly("example.test");
    }

    @Test
    void accountsNeedALocalDomainAndAreUnique() throws Exception {
        Directory directory = open().directory();
        assertThatThrownBy(() -> directory.addAccount("alice@example.test", "pw".toCharArray()))
                .isInstanceOf(MailStoreException.NotFound.class);
        directory.addDomain("example.test");
        directory.addAccount("Alice@Example.test", "pw".toCharArray());
        assertThatThrownBy(() -> directory.addAccount("alice@example.test", "other".toCharArray()))
                .isInstanceOf(MailStoreException.AlreadyExists.class);
        assertThat(directory.accounts()).containsExactly("alice@example.test");
        assertThatThrownBy(() -> directory.removeDomain("example.test")).isInstanceOf(MailStoreException.class);

        assertThat(directory.removeAccount("ALICE@example.test")).isTrue();
        assertThat(directory.removeAccount("alice@example.test")).isFalse();
        assertThat(directory.accounts()).isEmpty();
        assertThat(directory.removeDomain("example.test")).isTrue();
    }

    @Test
    void authenticate() throws Exception {
        Directory directory = open().directory();
        directory.addDomain("example.test");
        directory.addAccount("alice@example.test", "right".toCharArray());

        assertThat(directory.authenticate("ALICE@example.test", "right".toCharArray())).contains("alice@example.test");
        assertThat(directory.authenticate("alice@example.test", "wrong".toCharArray())).isEmpty();
        assertThat(directory.authenticate("nobody@example.test", "right".toCharArray())).isEmpty();
        assertThat(directory.authenticate("not an address", "right".toCharArray())).isEmpty();

        directory.setPassword("alice@example.test", "new".toCharArray());
        assertThat(directory.authenticate("alice@example.test", "new".toCharArray())).isPresent();
        assertThatThrownBy(() -> directory.setPassword("nobody@example.test", "x".toCharArray()))
                .isInstanceOf(MailStoreException.NotFound.class);
    }

    @Test
    void scramKeysAreStoredWithEveryPassword() throws Exception {
        Directory directory = open().directory();
        directory.addDomain("example.test");
        directory.addAccount("alice@example.test", "right".toCharArray());
        ScramCredentials keys = directory.scramCredentials("alice@example.test").orElseThrow();
        assertThat(keys.iterations()).isEqualTo(ScramCredentials.DEFAULT_ITERATIONS);
        assertThat(ScramCredentials.derive("right".toCharArray(), keys.salt(), keys.iterations())).isEqualTo(keys);

        directory.setPassword("alice@example.test", "new".toCharArray());
        ScramCredentials changed = directory.scramCredentials("alice@example.test").orElseThrow();
        assertThat(ScramCredentials.derive("new".toCharArray(), changed.salt(), changed.iterations())).isEqualTo(changed);
        assertThat(directory.scramCredentials("nobody@example.test")).isEmpty();
    }

    @Test
    void appPasswordsWorkAloneAndAreRevokedAlone() throws Exception {
        Directory directory = open().directory();
        directory.addDomain("example.test");
        directory.addAccount("alice@example.test", "right".toCharArray());
        String stamp = directory.credentialStamp("alice@example.test").orElseThrow();
        char[] phone = AppPasswords.generate();
        char[] laptop = AppPasswords.generate();
        directory.addAppPassword("Alice@example.test", "phone", phone);
        directory.addAppPassword("alice@example.test", "laptop", laptop);
        assertThatThrownBy(() -> directory.addAppPassword("alice@example.test", "phone", AppPasswords.generate()))
                .isInstanceOf(MailStoreException.AlreadyExists.class);
        assertThatThrownBy(() -> directory.addAppPassword("nobody@example.test", "phone", AppPasswords.generate()))
                .isInstanceOf(MailStoreException.NotFound.class);
        assertThat(directory.appPasswords("alice@example.test")).extracting(Directory.AppPassword::name)
                .containsExactly("laptop", "phone");
        assertThat(directory.credentialStamp("alice@example.test")).get().isNotEqualTo(stamp);

        assertThat(directory.authenticate("alice@example.test", phone)).contains("alice@example.test");
        assertThat(directory.authenticate("alice@example.test", new String(phone).replace("-", " ").toUpperCase()
                .toCharArray())).contains("alice@example.test");
        assertThat(directory.authenticate("alice@example.test", "right".toCharArray())).isPresent();

        assertThat(directory.removeAppPassword("alice@example.test", "phone")).isTrue();
        assertThat(directory.removeAppPassword("alice@example.test", "phone")).isFalse();
        assertThat(directory.authenticate("alice@example.test", phone)).isEmpty();
        assertThat(directory.authenticate("alice@example.test", laptop)).isPresent();

        assertThat(directory.removeAccount("alice@example.test")).isTrue();
        assertThat(directory.credentialStamp("alice@example.test")).isEmpty();
        directory.addAccount("alice@example.test", "again".toCharArray());
        assertThat(directory.appPasswords("alice@example.test")).isEmpty(); // removed with the account
        assertThat(directory.authenticate("alice@example.test", laptop)).isEmpty();
    }

    @Test
    void adminTokensAreKeptByNameWithTheirDigest() throws Exception {
        Directory directory = open().directory();
        assertThat(directory.adminTokens()).isEmpty();
        directory.addAdminToken("prometheus", "aa".repeat(32));
        directory.addAdminToken("console", "bb".repeat(32));
        assertThatThrownBy(() -> directory.addAdminToken("console", "cc".repeat(32)))
                .isInstanceOf(MailStoreException.AlreadyExists.class);
        assertThat(directory.adminTokens()).extracting(Directory.AdminToken::name).containsExactly("console", "prometheus");
        assertThat(directory.adminTokens().get(0).digest()).isEqualTo("bb".repeat(32));
        assertThat(directory.adminTokens().get(0).created()).isNotNull();
        assertThat(directory.removeAdminToken("console")).isTrue();
        assertThat(directory.removeAdminToken("console")).isFalse();
        assertThat(directory.adminTokens()).extracting(Directory.AdminToken::name).containsExactly("prometheus");
    }

    @Test
    void aliasesAndLookup() throws Exception {
        Directory directory = open().directory();
        directory.addDomain("example.test");
        directory.addAccount("alice@example.test", "pw".toCharArray());
        assertThatThrownBy(() -> directory.addAlias("team@elsewhere.test", "alice@example.test"))
                .isInstanceOf(MailStoreException.NotFound.class);
        directory.addAlias("Team@example.test", "alice@example.test");
        directory.addAlias("team@example.test", "carol@remote.test");
        assertThatThrownBy(() -> directory.addAlias("team@example.test", "alice@example.test"))
                .isInstanceOf(MailStoreException.AlreadyExists.class);

        assertThat(directory.lookup(MailAddress.parse("ALICE@Example.Test")))
                .isEqualTo(new Local("alice@example.test"));
        assertThat(directory.lookup(MailAddress.parse("team@example.test")))
                .isEqualTo(new Alias(List.of("alice@example.test", "carol@remote.test")));
        assertThat(directory.lookup(MailAddress.parse("alice+tag@example.test"))).isEqualTo(new Unknown());
        assertThat(directory.lookup(MailAddress.parse("bob@example.test"))).isEqualTo(new Unknown());
        assertThat(directory.aliases()).containsExactly(new AliasEntry("team@example.test", "alice@example.test"),
                new AliasEntry("team@example.test", "carol@remote.test"));
        assertThatThrownBy(() -> directory.removeDomain("example.test")).isInstanceOf(MailStoreException.class);

        assertThat(directory.removeAlias("team@example.test", "alice@example.test")).isTrue();
        assertThat(directory.removeAlias("team@example.test", "alice@example.test")).isFalse();
        assertThat(directory.lookup(MailAddress.parse("team@example.test")))
                .isEqualTo(new Alias(List.of("carol@remote.test")));
    }

    @Test
    void changesByAnotherInstanceAreSeenAtOnce() throws Exception {
        Directory server = open().directory();
        assertThat(server.isLocalDomain("example.test")).isFalse();

        StorageBackend cli = open(); // the admin command, another process on the same storage
        cli.directory().addDomain("example.test");
        cli.directory().addAccount("bob@example.test", "pw".toCharArray());
        cli.directory().addAlias("postmaster@example.test", "bob@example.test");
        close(cli);

        assertThat(server.isLocalDomain("example.test")).isTrue();
        assertThat(server.lookup(MailAddress.parse("bob@example.test"))).isEqualTo(new Local("bob@example.test"));
        assertThat(server.lookup(MailAddress.parse("postmaster@example.test")))
                .isEqualTo(new Alias(List.of("bob@example.test")));
        assertThat(server.authenticate("bob@example.test", "pw".toCharArray())).contains("bob@example.test");

        StorageBackend cli2 = open();
        cli2.directory().removeAlias("postmaster@example.test", "bob@example.test");
        cli2.directory().removeAccount("bob@example.test");
        assertThat(server.lookup(MailAddress.parse("bob@example.test"))).isEqualTo(new Unknown());
        assertThat(server.accounts()).isEmpty();
    }

    @Test
    void dkimKeysAreKeptPerDomainWithTheirState() throws Exception {
        Directory directory = open().directory();
        Instant t0 = Instant.parse("2026-12-04T10:00:00Z");
        DkimKeyRecord rsa = new DkimKeyRecord("Example.TEST", "mr20261204r", DkimKeyRecord.RSA_SHA256, "UlNBa2V5",
                t0, DkimKeyRecord.State.ACTIVE, null);
        assertThatThrownBy(() -> directory.addDkimKey(rsa)).isInstanceOf(MailStoreException.NotFound.class);
        directory.addDomain("example.test");
        directory.addDomain("other.test");
        assertThat(directory.dkimKeys("example.test")).isEmpty();

        directory.addDkimKey(rsa);
        DkimKeyRecord ed = new DkimKeyRecord("example.test", "mr20261204e", DkimKeyRecord.ED25519_SHA256, "RWRrZXk=",
                t0, DkimKeyRecord.State.ACTIVE, null);
        directory.addDkimKey(ed);
        DkimKeyRecord next = new DkimKeyRecord("example.test", "mr20261210r", DkimKeyRecord.RSA_SHA256, "bmV4dA==",
                t0.plusSeconds(86_400 * 6), DkimKeyRecord.State.PUBLISHED, null);
        directory.addDkimKey(next);
        assertThatThrownBy(() -> directory.addDkimKey(rsa)).isInstanceOf(MailStoreException.AlreadyExists.class);
        directory.addDkimKey(new DkimKeyRecord("other.test", "mr20261204r", DkimKeyRecord.RSA_SHA256, "b3RoZXI=",
                t0, DkimKeyRecord.State.ACTIVE, null));

        // Oldest first, then by selector; every field as stored; the same selector in another domain is another key.
        assertThat(directory.dkimKeys("EXAMPLE.test")).containsExactly(ed, rsa.withState(DkimKeyRecord.State.ACTIVE, null),
                next);
        assertThat(directory.dkimKeys("other.test")).hasSize(1);
        assertThat(directory.dkimKeys("nowhere.test")).isEmpty();

        Instant retireAfter = t0.plusSeconds(86_400 * 14);
        assertThat(directory.setDkimKeyState("example.test", "mr20261204r", DkimKeyRecord.State.ACTIVE,
                DkimKeyRecord.State.RETIRED, retireAfter)).isTrue();
        // Conditional on the state it was in: a second node making the same move does nothing.
        assertThat(directory.setDkimKeyState("example.test", "mr20261204r", DkimKeyRecord.State.ACTIVE,
                DkimKeyRecord.State.RETIRED, retireAfter)).isFalse();
        assertThat(directory.setDkimKeyState("example.test", "mr20261210r", DkimKeyRecord.State.PUBLISHED,
                DkimKeyRecord.State.ACTIVE, null)).isTrue();
        assertThat(directory.dkimKeys("example.test")).containsExactly(ed,
                rsa.withState(DkimKeyRecord.State.RETIRED, retireAfter),
                next.withState(DkimKeyRecord.State.ACTIVE, null));

        assertThat(directory.removeDkimKey("example.test", "mr20261204r")).isTrue();
        assertThat(directory.removeDkimKey("example.test", "mr20261204r")).isFalse();
        assertThat(directory.dkimKeys("example.test")).extracting(DkimKeyRecord::selector)
                .containsExactly("mr20261204e", "mr20261210r");

        // A domain goes with its keys; they do not come back with it.
        assertThat(directory.removeDomain("example.test")).isTrue();
        directory.addDomain("example.test");
        assertThat(directory.dkimKeys("example.test")).isEmpty();
        assertThat(directory.dkimKeys("other.test")).hasSize(1);
    }

    @Test
    void dkimKeysAddedByAnotherInstanceAreSeenAtOnce() throws Exception {
        Directory server = open().directory();
        StorageBackend cli = open();
        cli.directory().addDomain("example.test");
        cli.directory().addDkimKey(new DkimKeyRecord("example.test", "mr20261204e", DkimKeyRecord.ED25519_SHA256,
                "RWRrZXk=", Instant.parse("2026-12-04T10:00:00Z"), DkimKeyRecord.State.PUBLISHED, null));
        close(cli);
        assertThat(server.dkimKeys("example.test")).extracting(DkimKeyRecord::state)
                .containsExactly(DkimKeyRecord.State.PUBLISHED);
    }

    @Test
    void anAccountsOwnQuotaIsSetClearedAndSeenByAnotherInstance() throws Exception {
        Directory directory = open().directory();
        directory.addDomain("example.test");
        directory.addAccount("alice@example.test", "pw".toCharArray());
        assertThat(directory.quota("alice@example.test")).as("none of its own: the default applies").isEmpty();

        directory.setQuota("Alice@Example.TEST", OptionalLong.of(2L << 30));
        assertThat(directory.quota("alice@example.test")).hasValue(2L << 30);
        Directory other = open().directory();
        assertThat(other.quota("alice@example.test")).hasValue(2L << 30);
        directory.setQuota("alice@example.test", OptionalLong.of(0));
        assertThat(other.quota("alice@example.test")).as("0: no limit for this account").hasValue(0);
        directory.setQuota("alice@example.test", OptionalLong.empty());
        assertThat(other.quota("alice@example.test")).isEmpty();

        assertThatThrownBy(() -> directory.quota("nobody@example.test"))
                .isInstanceOf(MailStoreException.NotFound.class);
        assertThatThrownBy(() -> directory.setQuota("nobody@example.test", OptionalLong.of(1)))
                .isInstanceOf(MailStoreException.NotFound.class);
    }

    @Test
    void aDisabledAccountRefusesEveryLoginButKeepsItsAddressAndIsEnabledAgain() throws Exception {
        Directory directory = open().directory();
        directory.addDomain("example.test");
        directory.addAccount("alice@example.test", "pw".toCharArray());
        String app = "abcdefghijklmnop";
        directory.addAppPassword("alice@example.test", "phone", app.toCharArray());
        assertThat(directory.isDisabled("alice@example.test")).isFalse();
        String stamp = directory.credentialStamp("alice@example.test").orElseThrow();

        assertThat(directory.setDisabled("Alice@Example.TEST", true)).isTrue();
        Directory other = open().directory();
        assertThat(other.isDisabled("alice@example.test")).isTrue();
        assertThat(other.authenticate("alice@example.test", "pw".toCharArray())).isEmpty();
        assertThat(other.authenticate("alice@example.test", app.toCharArray())).as("app password").isEmpty();
        assertThat(other.scramCredentials("alice@example.test")).isEmpty();
        assertThat(other.credentialStamp("alice@example.test")).as("a cached login stops counting").isEmpty();
        assertThat(other.lookup(MailAddress.parse("alice@example.test")))
                .as("mail to it is still delivered").isEqualTo(new Directory.Local("alice@example.test"));

        assertThat(directory.setDisabled("alice@example.test", false)).isTrue();
        assertThat(other.isDisabled("alice@example.test")).isFalse();
        assertThat(other.authenticate("alice@example.test", "pw".toCharArray())).hasValue("alice@example.test");
        assertThat(other.authenticate("alice@example.test", app.toCharArray())).hasValue("alice@example.test");
        assertThat(other.scramCredentials("alice@example.test")).isPresent();
        assertThat(other.credentialStamp("alice@example.test")).hasValue(stamp);

        assertThat(directory.setDisabled("nobody@example.test", true)).isFalse();
        assertThatThrownBy(() -> directory.isDisabled("nobody@example.test"))
                .isInstanceOf(MailStoreException.NotFound.class);
    }
}

package org.mailroom.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Quota}: an account's own limit beats the default; 0 is none; the directory is asked once a second. */
class QuotaTest {

    private final AtomicInteger asked = new AtomicInteger();

    /** A store where every account uses 1000 bytes. */
    private static MailStore store() {
        return (MailStore) Proxy.newProxyInstance(QuotaTest.class.getClassLoader(), new Class<?>[] {MailStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("usage")) return 1000L;
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Own limits from {@code limits} (absent: none of its own); accounts named ghost* do not exist. */
    private Directory directory(Map<String, Long> limits) {
        return (Directory) Proxy.newProxyInstance(QuotaTest.class.getClassLoader(), new Class<?>[] {Directory.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("quota")) throw new UnsupportedOperationException(method.getName());
                    asked.incrementAndGet();
                    String account = (String) args[0];
                    if (account.startsWith("ghost")) throw new MailStoreException.NotFound("no account " + account);
                    Long own = limits.get(account);
                    return own == null ? OptionalLong.empty() : OptionalLong.of(own);
                });
    }

    @Test
    void anAccountsOwnLimitBeatsTheDefault() throws Exception {
        Quota quota = new Quota(store(),
                directory(Map.of("big@x.test", 1_000_000L, "free@x.test", 0L, "tiny@x.test", 500L)), 2048);
        assertThat(quota.limit("big@x.test")).isEqualTo(1_000_000);
        assertThat(quota.allows("big@x.test", 5000)).isTrue();
        assertThat(quota.limit("plain@x.test")).as("none of its own: the default").isEqualTo(2048);
        assertThat(quota.allows("plain@x.test", 5000)).isFalse();
        assertThat(quota.limited("free@x.test")).as("0: no limit").isFalse();
        assertThat(quota.allows("free@x.test", Long.MAX_VALUE / 2)).isTrue();
        assertThat(quota.full("tiny@x.test")).isTrue();
        assertThat(quota.limit("ghost@x.test")).as("unknown to the directory: the default").isEqualTo(2048);
        assertThat(quota.limited()).as("some account may have a limit").isTrue();
    }

    @Test
    void theDirectoryIsAskedOnceForSeveralChecksInASecond() throws Exception {
        Quota quota = new Quota(store(), directory(Map.of("big@x.test", 1_000_000L)), 0);
        quota.full("big@x.test");
        quota.allows("big@x.test", 10);
        quota.limit("big@x.test");
        assertThat(asked).hasValue(1);
    }

    @Test
    void withoutADirectoryEveryAccountHasTheDefault() throws Exception {
        assertThat(new Quota(store(), 0).limited()).isFalse();
        Quota quota = new Quota(store(), 4096);
        assertThat(quota.limit("anyone@x.test")).isEqualTo(4096);
        assertThat(quota.allows("anyone@x.test", 3000)).isTrue();
        assertThat(quota.allows("anyone@x.test", 4000)).isFalse();
    }
}

package org.mailroom.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cheap-login cache: hits skip the directory's hashing, and end with a password change or the TTL.
 * Login bursts: overlapping checks of one login and password run the directory's check (argon2id) once.
 */
class AuthenticatorTest {

    static final String ALICE = "alice@example.test";

    private final MutableClock clock = new MutableClock();
    private final TestDirectory directory = new TestDirectory();
    private final Authenticator authenticator = new Authenticator(directory, clock);

    AuthenticatorTest() {
        directory.addAccount(ALICE, "secret".toCharArray());
    }

    @Test
    void aSuccessIsRememberedAndAFailureIsNot() throws Exception {
        assertThat(authenticator.verifyPassword(ALICE, "secret".toCharArray())).contains(ALICE);
        assertThat(authenticator.verifyPassword(ALICE, "secret".toCharArray())).contains(ALICE);
        assertThat(directory.authenticateCalls).isEqualTo(1);
        assertThat(authenticator.verifyPassword(ALICE, "wrong".toCharArray())).isEmpty();
        assertThat(authenticator.verifyPassword(ALICE, "wrong".toCharArray())).isEmpty();
        assertThat(directory.authenticateCalls).isEqualTo(3);
        // Another spelling of the login is another key: checked once more, then remembered too.
        assertThat(authenticator.verifyPassword("ALICE@example.test", "secret".toCharArray())).contains(ALICE);
        assertThat(directory.authenticateCalls).isEqualTo(4);
    }

    @Test
    void aPasswordChangeEndsTheCachedLoginAtOnce() throws Exception {
        authenticator.verifyPassword(ALICE, "secret".toCharArray());
        directory.setPassword(ALICE, "new one".toCharArray());
        assertThat(authenticator.verifyPassword(ALICE, "secret".toCharArray())).isEmpty();
        assertThat(authenticator.verifyPassword(ALICE, "new one".toCharArray())).contains(ALICE);
    }

    @Test
    void entriesExpire() throws Exception {
        authenticator.verifyPassword(ALICE, "secret".toCharArray());
        clock.advance(Authenticator.DEFAULT_CACHE_TTL.minusSeconds(1));
        authenticator.verifyPassword(ALICE, "secret".toCharArray());
        assertThat(directory.authenticateCalls).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        authenticator.verifyPassword(ALICE, "secret".toCharArray());
        assertThat(directory.authenticateCalls).isEqualTo(2);
    }

    @Test
    void zeroTtlTurnsTheCacheOff() throws Exception {
        Authenticator uncached = new Authenticator(directory, clock, Duration.ZERO, 10);
        uncached.verifyPassword(ALICE, "secret".toCharArray());
        uncached.verifyPassword(ALICE, "secret".toCharArray());
        assertThat(directory.authenticateCalls).isEqualTo(2);
    }

    /** A burst of clients: a thread each, like the blocking executor's threads. */
    private static final int BURST = 20;
    private final ExecutorService clients = Executors.newFixedThreadPool(BURST);

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    /** Holds every password check until released, so that a burst overlaps for sure. */
    static final class GatedDirectory extends TestDirectory {
        final CountDownLatch release = new CountDownLatch(1);
        RuntimeException failure;

        @Override
        public Optional<String> authenticate(String login, char[] password) {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (failure != null) throw failure;
            return super.authenticate(login, password);
        }
    }

    private List<Future<Optional<String>>> burst(Authenticator auth, String password) {
        List<Future<Optional<String>>> results = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            results.add(clients.submit(() -> auth.verifyPassword(ALICE, password.toCharArray())));
        }
        // The first check is held in the directory; wait until every other one has joined it.
        await().until(() -> auth.sharedChecks() == BURST - 1);
        return results;
    }

    @Test
    void aLoginBurstRunsOneCheck() throws Exception {
        GatedDirectory gated = new GatedDirectory();
        gated.addAccount(ALICE, "secret".toCharArray());
        Authenticator auth = new Authenticator(gated, clock);

        List<Future<Optional<String>>> results = burst(auth, "secret");
        gated.release.countDown();

        for (Future<Optional<String>> result : results) assertThat(result.get(30, TimeUnit.SECONDS)).contains(ALICE);
        assertThat(gated.authenticateCalls).isEqualTo(1);
        // And it is remembered as usual afterwards.
        assertThat(auth.verifyPassword(ALICE, "secret".toCharArray())).contains(ALICE);
        assertThat(gated.authenticateCalls).isEqualTo(1);
    }

    @Test
    void aBurstOfWrongPasswordsSharesOneFailureThatIsNotRemembered() throws Exception {
        GatedDirectory gated = new GatedDirectory();
        gated.addAccount(ALICE, "secret".toCharArray());
        Authenticator auth = new Authenticator(gated, clock);
        // Every attempt of the burst passes its connection's guard, as the protocols do; the rate counts them all.
        LoginGuard guard = new LoginGuard(new LoginGuard.Settings(Duration.ZERO, Duration.ZERO, 3, BURST,
                Duration.ofMinutes(1), Duration.ofMinutes(15), 100), clock);
        List<Future<Optional<String>>> results = new ArrayList<>();
        List<LoginGuard.Connection> connections = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            LoginGuard.Connection connection = guard.connection(null);
            connections.add(connection);
            results.add(clients.submit(() -> {
                if (!connection.mayAttempt()) throw new IllegalStateException("refused by the guard");
                Optional<String> account = auth.verifyPassword(ALICE, "wrong".toCharArray());
                if (account.isEmpty()) connection.failed();
                return account;
            }));
        }
        await().until(() -> auth.sharedChecks() == BURST - 1);
        gated.release.countDown();

        for (Future<Optional<String>> result : results) assertThat(result.get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(gated.authenticateCalls).isEqualTo(1);
        assertThat(connections).allSatisfy(c -> assertThat(c.failures()).isEqualTo(1));
        assertThat(guard.connection(null).mayAttempt()).as("the burst used the network's attempts").isFalse();
        // The failure was not remembered: the next try is checked again.
        assertThat(auth.verifyPassword(ALICE, "wrong".toCharArray())).isEmpty();
        assertThat(gated.authenticateCalls).isEqualTo(2);
    }

    @Test
    void anUnknownUserBurstAlsoRunsOneCheck() throws Exception {
        GatedDirectory gated = new GatedDirectory();
        Authenticator auth = new Authenticator(gated, clock);

        List<Future<Optional<String>>> results = burst(auth, "secret");
        gated.release.countDown();

        for (Future<Optional<String>> result : results) assertThat(result.get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(gated.authenticateCalls).isEqualTo(1);
    }

    @Test
    void whenTheSharedCheckFailsEveryWaiterGetsAnError() throws Exception {
        GatedDirectory gated = new GatedDirectory();
        gated.failure = new UncheckedIOException(new IOException("database gone"));
        Authenticator auth = new Authenticator(gated, clock);

        List<Future<Optional<String>>> results = burst(auth, "secret");
        gated.release.countDown();

        int ioErrors = 0;
        int ownErrors = 0;
        for (Future<Optional<String>> result : results) {
            try {
                result.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException) ioErrors++;
                if (e.getCause() == gated.failure) ownErrors++; // the one that ran the check
            }
        }
        assertThat(ioErrors).isEqualTo(BURST - 1);
        assertThat(ownErrors).isEqualTo(1);
        // Nothing stays behind: the next check runs anew.
        gated.failure = null;
        assertThat(auth.verifyPassword(ALICE, "secret".toCharArray())).isEmpty();
        assertThat(gated.authenticateCalls).isEqualTo(1);
    }
}

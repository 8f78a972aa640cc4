package org.mailroom.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionExecutorTest {

    private final SessionThreads threads = new SessionThreads(4);
    private final EventExecutor loop = new DefaultEventExecutor();

    @AfterEach
    void close() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        threads.close();
    }

    @Test
    void oneConnectionsTasksRunOneAtATimeInTheirOrder() throws Exception {
        SessionExecutor session = threads.executor(loop);
        List<Integer> seen = new ArrayList<>(); // no lock: the executor is the lock
        AtomicInteger running = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        for (int i = 0; i < 10_000; i++) {
            int n = i;
            session.execute(() -> {
                if (running.incrementAndGet() > 1) overlapped.set(true);
                seen.add(n);
                running.decrementAndGet();
            });
        }
        CompletableFuture<List<Integer>> done = new CompletableFuture<>();
        session.execute(() -> done.complete(List.copyOf(seen)));
        List<Integer> all = done.get(10, TimeUnit.SECONDS);
        assertThat(overlapped).isFalse();
        assertThat(all).hasSize(10_000);
        for (int i = 0; i < all.size(); i++) assertThat(all.get(i)).isEqualTo(i);
    }

    @Test
    void aBlockedConnectionHoldsOnlyItsOwnThread() throws Exception {
        SessionExecutor slow = threads.executor(loop);
        SessionExecutor quick = threads.executor(loop);
        CountDownLatch release = new CountDownLatch(1);
        slow.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<Boolean> answered = new CompletableFuture<>();
        quick.execute(() -> answered.complete(quick.inEventLoop() && !slow.inEventLoop()));
        assertThat(answered.get(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
    }

    @Test
    void aTimerCancelledAfterItsWaitButBeforeItsTurnNeverRuns() throws Exception {
        SessionExecutor session = threads.executor(loop);
        AtomicBoolean fired = new AtomicBoolean();
        CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
        session.execute(() -> {
            ScheduledFuture<?> timer = session.schedule(() -> fired.set(true), 1, TimeUnit.MILLISECONDS);
            // The loop runs its timers by deadline: once this later one ran, the session's wait is over too.
            loop.schedule(() -> { }, 20, TimeUnit.MILLISECONDS).syncUninterruptibly();
            cancelled.complete(timer.cancel(false));
        });
        assertThat(cancelled.get(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> after = new CompletableFuture<>();
        session.execute(() -> after.complete(fired.get()));
        assertThat(after.get(10, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aTimerRunsOnTheSessionsExecutor() throws Exception {
        SessionExecutor session = threads.executor(loop);
        CompletableFuture<Boolean> onSession = new CompletableFuture<>();
        session.schedule(() -> onSession.complete(session.inEventLoop()), 5, TimeUnit.MILLISECONDS);
        assertThat(onSession.get(10, TimeUnit.SECONDS)).isTrue();
    }
}

package org.mailroom.protocol;

import io.netty.util.concurrent.AbstractEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection's executor: its tasks run one at a time, in the order given, on the shared session pool, so
 * the session needs no locks. A timer waits on the connection's event loop and then runs here
 * ({@link SessionTimer}). The pool's life is its owner's ({@link SessionThreads}): this executor cannot shut it
 * down.
 */
final class SessionExecutor extends AbstractEventExecutor {

    /** Tasks run per turn on a pool thread before the connection queues again, so busy connections take turns. */
    private static final int TASKS_PER_TURN = 16;

    private final ThreadPoolExecutor pool;
    private final EventExecutor timers;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Whether a turn is queued on the pool or running: at most one, hence one task at a time. */
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile Thread runner;

    SessionExecutor(ThreadPoolExecutor pool, EventExecutor timers) {
        this.pool = pool;
        this.timers = timers;
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (queued.compareAndSet(false, true)) {
            try {
                pool.execute(this::turn);
            } catch (RejectedExecutionException e) {
                queued.set(false);
                tasks.remove(task);
                throw e;
            }
        }
    }

    private void turn() {
        boolean again;
        do {
            runner = Thread.currentThread();
            try {
                Runnable task;
                for (int i = 0; i < TASKS_PER_TURN && (task = tasks.poll()) != null; i++) safeExecute(task);
            } finally {
                runner = null;
            }
            queued.set(false);
            // A task added after the last poll found the flag set and left it to us.
            again = !tasks.isEmpty() && queued.compareAndSet(false, true) && !queuedOnPool();
        } while (again);
    }

    /** The next turn goes to the back of the pool's queue; a pool shutting down leaves it to this thread. */
    private boolean queuedOnPool() {
        try {
            pool.execute(this::turn);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    @Override
    public boolean inEventLoop(Thread thread) {
        return thread == runner;
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return schedule(Executors.callable(command), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        return new SessionTimer<>(this, callable).start(timers, delay, unit);
    }

    @Override
    public boolean isShuttingDown() {
        return pool.isShutdown();
    }

    @Override
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return pool.awaitTermination(timeout, unit);
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        throw new UnsupportedOperationException("the session pool is closed by its SessionThreads");
    }

    @Override
    public Future<?> terminationFuture() {
        throw new UnsupportedOperationException("the session pool is closed by its SessionThreads");
    }

    @Override
    @Deprecated
    public void shutdown() {
        throw new UnsupportedOperationException("the session pool is closed by its SessionThreads");
    }
}

package org.mailroom.protocol;

import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * A session's timer: it waits on the connection's event loop, then its task runs on the session's executor. A
 * cancel that comes before the task starts there wins, even once the wait is over, as on a single-thread executor.
 */
final class SessionTimer<V> extends DefaultPromise<V> implements ScheduledFuture<V> {

    private final Callable<V> task;
    private volatile ScheduledFuture<?> wait;

    SessionTimer(SessionExecutor session, Callable<V> task) {
        super(session);
        this.task = task;
    }

    SessionTimer<V> start(EventExecutor loop, long delay, TimeUnit unit) {
        wait = loop.schedule(() -> executor().execute(this::fire), delay, unit);
        return this;
    }

    private void fire() {
        if (!setUncancellable()) return;
        try {
            setSuccess(task.call());
        } catch (Throwable t) {
            setFailure(t);
        }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!super.cancel(false)) return false;
        wait.cancel(false);
        return true;
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return wait.getDelay(unit);
    }

    @Override
    public int compareTo(Delayed other) {
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }
}

package org.mailroom.protocol;

import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.mailroom.core.auth.LoginGuard;
import org.mailroom.core.metrics.Metrics;

/**
 * What a session does after a failed login (POP3, IMAP, ManageSieve): count it, hold the refusal back for the
 * {@link LoginGuard}'s delay without a sleeping thread, and close after the last allowed failure. While the
 * refusal waits the session handles no further command (they queue, reads pause), so the next try waits too.
 */
public final class FailedLogin {

    /** A session's queue of commands. */
    public interface Queue {
        /** Holds the queue (and reads) while a refusal waits, or lets it go again. */
        void hold(boolean held);

        /** Handles the commands that queued meanwhile. */
        void drain();
    }

    private FailedLogin() {}

    /**
     * @param protocol as the metric names it, "pop3"
     * @param refusal  writes the refusal; given true after the last allowed failure, when it also closes
     * @return whether this was the last allowed failure, for the session's last log line
     */
    public static boolean refuse(String protocol, LoginGuard.Connection guard, ChannelHandlerContext ctx, Queue queue,
                                 Consumer<Boolean> refusal) {
        Metrics.get().loginFailed(protocol);
        Duration delay = guard.failed();
        boolean last = guard.exhausted();
        if (delay.isZero()) {
            refusal.accept(last);
            return last;
        }
        queue.hold(true);
        ctx.executor().schedule(() -> {
            queue.hold(false);
            if (!ctx.channel().isActive()) return;
            refusal.accept(last);
            queue.drain();
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        return last;
    }
}

package org.mailroom.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP, the Unix way of asking a daemon to read its configuration again ({@code systemctl reload},
 * {@code mailroom reload}, {@code kill -HUP}).
 *
 * <p>The JDK has no public API for signals; {@code sun.misc.Signal} (module jdk.unsupported, kept for exactly
 * this use) is what there is. Without a handler the JVM treats SIGHUP as a request to exit, so installing one
 * also keeps a reload from stopping the server. Where the signal cannot be handled (Windows, a JVM run with
 * {@code -Xrs}) the server runs without reloads and says so once.
 */
final class HangUp {

    private static final Logger log = LoggerFactory.getLogger(HangUp.class);

    private HangUp() {}

    /** Runs {@code action} on the JVM's signal thread at each SIGHUP, one at a time. */
    static void onSignal(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                synchronized (HangUp.class) {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        log.error("reload failed: {}", e.toString());
                    }
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.warn("SIGHUP cannot be handled here ({}): the configuration is read only at start", e.getMessage());
        }
    }
}

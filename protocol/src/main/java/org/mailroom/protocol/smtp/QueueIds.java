package org.mailroom.protocol.smtp;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Locale;

/** Short ids that name a message in logs and Received headers: time-ordered, unique, safe in any header. */
final class QueueIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private QueueIds() {}

    static String next(Clock clock) {
        long millis = clock.millis();
        int random = RANDOM.nextInt(36 * 36 * 36 * 36);
        return (Long.toString(millis, 36) + String.format("%4s", Integer.toString(random, 36)).replace(' ', '0'))
                .toUpperCase(Locale.ROOT);
    }
}

package org.mailroom.protocol.pop3;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps test output short without a logback-test.xml (resources outside this package are not ours to add):
 * Netty's debug lines off, and the POP3 warnings that the failure-injection tests provoke on purpose.
 */
final class QuietLogs {

    private QuietLogs() {
    }

    static void apply() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        ((Logger) LoggerFactory.getLogger("org.mailroom.protocol.pop3")).setLevel(Level.ERROR);
    }
}

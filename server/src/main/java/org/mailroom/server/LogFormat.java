package org.mailroom.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.mailroom.server.config.LogSection;
import org.slf4j.LoggerFactory;

/**
 * {@code log.format = "json"}: the stdout appender of logback.xml gets Logback's own {@link JsonEncoder}, one JSON
 * object per line. The file configures Logback before our configuration is read, so the switch is made here, once
 * the configuration is loaded and before the server logs its start.
 *
 * <p>Logback's encoder rather than a layout of ours: it escapes every string properly (messages carry client
 * input), writes the MDC and the stack traces as nested objects, and costs no dependency. Its fields are cut to
 * what a log collector needs: timestamp (epoch milliseconds), level, thread, logger, mdc, the formatted message,
 * and the throwable when there is one.
 */
final class LogFormat {

    /** The appender's name in logback.xml. */
    static final String APPENDER = "STDOUT";

    private LogFormat() {}

    static void apply(LogSection log) {
        // Under another SLF4J binding there is nothing to switch.
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
            apply(log, (LoggerContext) LoggerFactory.getILoggerFactory());
        }
    }

    /** As {@link #apply(LogSection)}, on the given Logback context (tests use one of their own). */
    static void apply(LogSection log, LoggerContext context) {
        if (!log.json()) return;
        Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(APPENDER);
        if (!(appender instanceof OutputStreamAppender)) return;
        OutputStreamAppender<ILoggingEvent> out = (OutputStreamAppender<ILoggingEvent>) appender;
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false); // the logger context's name and birth time, the same on every line
        json.setWithMessage(false); // the pattern with its {} ...
        json.setWithArguments(false); // ... and its arguments: the formatted message says both at once
        json.setWithFormattedMessage(true);
        json.start();
        out.stop();
        out.setEncoder(json);
        out.start();
    }
}

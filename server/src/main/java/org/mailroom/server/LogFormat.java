package org.mailroom.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.mailroom.server.config.LogSection;
import org.slf4j.LoggerFactory;

/**
 * {@code log.format = "json"}: the stdout appender of logback.xml gets Logback's own {@link JsonEncoder}, one JSON
 * object per line; {@code "text"} puts the pattern of logback.xml back (a SIGHUP may switch either way).
 * {@code log.level} sets the root logger's level. The file configures Logback before our configuration is read,
 * so the switch is made here, once the configuration is loaded and before the server logs its start.
 *
 * <p>Logback's encoder rather than a layout of ours: it escapes every string properly (messages carry client
 * input), writes the MDC and the stack traces as nested objects, and costs no dependency. Its fields are cut to
 * what a log collector needs: timestamp (epoch milliseconds), level, thread, logger, mdc, the formatted message,
 * and the throwable when there is one.
 */
final class LogFormat {

    /** The appender's name in logback.xml. */
    static final String APPENDER = "STDOUT";

    /** The pattern of logback.xml's appender, put back when a reload goes from json to text. */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0}: %msg%n";

    private LogFormat() {}

    static void apply(LogSection log) {
        // Under another SLF4J binding there is nothing to switch.
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
            apply(log, (LoggerContext) LoggerFactory.getILoggerFactory());
        }
    }

    /** As {@link #apply(LogSection)}, on the given Logback context (tests use one of their own). */
    static void apply(LogSection log, LoggerContext context) {
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        applyLevel(log.level(), root, context);
        Appender<ILoggingEvent> appender = root.getAppender(APPENDER);
        if (!(appender instanceof OutputStreamAppender)) return;
        OutputStreamAppender<ILoggingEvent> out = (OutputStreamAppender<ILoggingEvent>) appender;
        boolean jsonNow = out.getEncoder() instanceof JsonEncoder;
        if (log.json() == jsonNow) return;
        Encoder<ILoggingEvent> encoder = log.json() ? json(context) : text(context);
        out.stop();
        out.setEncoder(encoder);
        out.start();
    }

    /**
     * A level of ours replaces the file's ({@code $MAILROOM_LOG_LEVEL} or INFO), which is remembered in the context
     * so that a reload to {@code level = ""} puts it back.
     */
    private static void applyLevel(String level, Logger root, LoggerContext context) {
        Level fromFile = (Level) context.getObject(FILE_LEVEL);
        if (!level.isEmpty()) {
            if (fromFile == null) context.putObject(FILE_LEVEL, root.getLevel());
            root.setLevel(Level.toLevel(level, Level.INFO));
        } else if (fromFile != null) {
            root.setLevel(fromFile);
            context.removeObject(FILE_LEVEL);
        }
    }

    private static final String FILE_LEVEL = "mailroom.fileLevel";

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false); // the logger context's name and birth time, the same on every line
        json.setWithMessage(false); // the pattern with its {} ...
        json.setWithArguments(false); // ... and its arguments: the formatted message says both at once
        json.setWithFormattedMessage(true);
        json.start();
        return json;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }
}

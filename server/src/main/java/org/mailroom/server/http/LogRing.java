package org.mailroom.server.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The recent log events in memory, for the web console's log tail and its list of recent deliveries and
 * refusals: a Logback appender on the root logger that keeps the last {@link #LOG_CAPACITY} events, and apart
 * from them the last {@link #MAIL_CAPACITY} that say what became of a message (so that a chatty minute does not
 * push the last refusal out of the dashboard).
 *
 * <p>Each event gets a sequence number; a reader asks for the events after the last one it saw. Memory is
 * bounded: a fixed number of entries, each message cut at {@link #MAX_MESSAGE} characters.
 *
 * <p>Pitfalls: it sees what the log level lets through. Mail events are INFO lines (SmtpSession's one line per
 * message, QueueRunner's one line per attempt), so at {@code MAILROOM_LOG_LEVEL=WARN} the recent list stays empty;
 * the dashboard's counts come from the metrics and do not depend on it. Anything shaped like an admin token is
 * masked before it is kept, though no code of ours logs one: the ring is shown in a browser.
 */
public final class LogRing extends AppenderBase<ILoggingEvent> {

    static final int LOG_CAPACITY = 1000;
    static final int MAIL_CAPACITY = 100;
    static final int MAX_MESSAGE = 2000;

    /** Admin tokens: "mrt_" then 43 base64url characters (AdminTokens); shorter runs are masked too. */
    private static final Pattern TOKEN = Pattern.compile("mrt_[A-Za-z0-9_-]{8,}");
    /** SmtpSession's line per message and QueueRunner's line per attempt, by their patterns (the {} form). */
    private static final String SMTP_LOGGER = "org.mailroom.protocol.smtp.SmtpSession";
    private static final String SMTP_MESSAGE = "id={} client={} from={} to={} size={} result={}";
    private static final String QUEUE_LOGGER = "org.mailroom.delivery.QueueRunner";
    private static final String QUEUE_ATTEMPT = "queue={} attempt {}: {} delivered, {} failed, {} deferred";

    /** One log event as the console shows it. */
    public record Entry(long seq, Instant at, String level, String logger, String message) {}

    /**
     * What became of a message: {@code received} (250 at the end of its data), {@code refused} (anything else),
     * or after a delivery attempt of the outbound queue {@code delivered}, {@code bounced} or {@code deferred}.
     */
    public record MailEvent(long seq, Instant at, String kind, String message) {}

    private final ArrayDeque<Entry> log = new ArrayDeque<>();
    private final ArrayDeque<MailEvent> mail = new ArrayDeque<>();
    private long seq;

    public LogRing() {
        setName("console-ring");
    }

    @Override
    protected void append(ILoggingEvent event) { // AppenderBase.doAppend holds this object's lock
        // The console polls the API; at DEBUG each poll would log a line and push everything else out.
        if (event.getLoggerName().equals(RequestHandler.class.getName()) && event.getLevel() == Level.DEBUG) return;
        String message = text(event);
        Instant at = Instant.ofEpochMilli(event.getTimeStamp());
        seq++;
        log.addLast(new Entry(seq, at, event.getLevel().toString(), shortName(event.getLoggerName()), message));
        if (log.size() > LOG_CAPACITY) log.removeFirst();
        String kind = mailKind(event);
        if (kind != null) {
            mail.addLast(new MailEvent(seq, at, kind, message));
            if (mail.size() > MAIL_CAPACITY) mail.removeFirst();
        }
    }

    /** The events after {@code after} (0: from the oldest kept), oldest first, at most {@code max}: the newest ones. */
    public synchronized List<Entry> after(long after, int max) {
        List<Entry> out = new ArrayList<>();
        Iterator<Entry> newestFirst = log.descendingIterator();
        while (newestFirst.hasNext() && out.size() < max) {
            Entry e = newestFirst.next();
            if (e.seq() <= after) break;
            out.add(e);
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** The sequence number of the newest event (0 before the first). */
    public synchronized long lastSeq() {
        return seq;
    }

    /** The last {@code max} mail events, newest first. */
    public synchronized List<MailEvent> recentMail(int max) {
        List<MailEvent> out = new ArrayList<>();
        Iterator<MailEvent> newestFirst = mail.descendingIterator();
        while (newestFirst.hasNext() && out.size() < max) out.add(newestFirst.next());
        return out;
    }

    private static String text(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(String.valueOf(event.getFormattedMessage()));
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) text.append(" (").append(thrown.getClassName()).append(": ").append(thrown.getMessage()).append(')');
        String s = text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "..." : text.toString();
        return TOKEN.matcher(s).replaceAll("mrt_(hidden)");
    }

    /** The kind of mail event this log event reports, or null when it is not one. */
    static String mailKind(ILoggingEvent event) {
        String pattern = event.getMessage();
        Object[] args = event.getArgumentArray();
        if (pattern == null || args == null) return null;
        if (event.getLoggerName().equals(SMTP_LOGGER) && pattern.equals(SMTP_MESSAGE) && args.length == 6) {
            return String.valueOf(args[5]).startsWith("250") ? "received" : "refused";
        }
        if (event.getLoggerName().equals(QUEUE_LOGGER) && pattern.startsWith(QUEUE_ATTEMPT) && args.length >= 5) {
            if (!"0".equals(String.valueOf(args[3]))) return "bounced";
            if (!"0".equals(String.valueOf(args[4]))) return "deferred";
            return "delivered";
        }
        return null;
    }

    /** "org.mailroom.protocol.smtp.SmtpSession" as "SmtpSession", as the text log shows it. */
    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}

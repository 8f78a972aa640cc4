package org.mailroom.core.metrics;

/**
 * The events Mailroom counts, named from the mail domain: a connection opened, a message refused with its
 * reply, a copy stored. Protocol, delivery and storage code report here and never see the metrics library; the
 * server installs one implementation (Micrometer, exported at {@code /metrics}) when it starts, and until then
 * every call goes to {@link #NONE}, which does nothing.
 *
 * <p>Why one process-wide instance, read with {@link #get()}, rather than a constructor argument: the events
 * happen deep inside per-connection objects (sessions, TLS handlers, listeners) whose constructors many parts
 * build, and a JVM runs one Mailroom (tests that start two nodes in one JVM add up their counts). Each call must
 * stay cheap: implementations do an atomic add, no allocation, no lock, no I/O.
 *
 * <p>Example: {@code Metrics.get().loginFailed("imap");}
 */
public interface Metrics {

    /** Counts nothing. */
    Metrics NONE = new Metrics() {};

    /** What became of a recipient of a message in the outbound queue after one attempt. */
    enum RemoteResult { DELIVERED, DEFERRED, BOUNCED }

    /** The instance installed by the running server, or {@link #NONE}. */
    static Metrics get() {
        return Installed.current;
    }

    /** Makes {@code metrics} the process's instance (the server does this once at start). */
    static void install(Metrics metrics) {
        Installed.current = metrics == null ? NONE : metrics;
    }

    /** Puts {@link #NONE} back if {@code metrics} is still the installed one (the server, when it stops). */
    static void uninstall(Metrics metrics) {
        synchronized (Installed.class) {
            if (Installed.current == metrics) Installed.current = NONE;
        }
    }

    /** A client connected to a listener of {@code protocol} ("smtp", "pop3", "imap", "http"). */
    default void connectionOpened(String protocol) {}

    /** That connection closed. */
    default void connectionClosed(String protocol) {}

    /** A message was accepted (the 250 after DATA or the last BDAT). */
    default void messageAccepted() {}

    /**
     * A message or one of its recipients was refused; {@code reply} is the SMTP reply sent, from which the
     * implementation keeps only the code and enhanced status ("550 5.1.1"), never the address in the text.
     */
    default void messageRefused(String reply) {}

    /** A login failed (wrong password, unknown user, bad SASL exchange). */
    default void loginFailed(String protocol) {}

    /** A TLS handshake completed with {@code version} ("TLSv1.3"). */
    default void tlsSession(String version) {}

    /** {@code copies} mailbox copies of one message were stored, durably, in {@code nanos}. */
    default void storedLocally(int copies, long nanos) {}

    /** {@code recipients} recipients of a queued message came out of an attempt with {@code result}. */
    default void remoteResult(RemoteResult result, int recipients) {}
}

package org.mailroom.protocol.smtp;

/**
 * One SMTP verb (or a few tied together), run by {@link SmtpSession} for a command line. Guards first, then the
 * work, then the reply through the session ({@link SmtpSession#reply}, {@link SmtpSession#error}). Whether the
 * session reads the next command afterwards, or the command resumes the decoder itself, is the table's flag
 * ({@link SmtpCommandTable.Entry#resumesItself()}).
 */
interface SmtpCommand {

    /** @param arg the text after the verb and one space, possibly empty */
    void execute(SmtpSession session, String arg);
}

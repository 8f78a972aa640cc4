package org.mailroom.protocol.smtp;

import java.util.Map;

/**
 * Every SMTP verb we know, with the flags that decide how it may arrive.
 *
 * <p>RFC 2920 section 3.1: "EHLO, DATA, VRFY, EXPN, TURN, QUIT, and NOOP ... can only appear as the last command
 * in a group since their success or failure produces a change of state which the client SMTP must accommodate."
 * We hold to the ones that change state or hand the connection over (EHLO, HELO, DATA, STARTTLS per RFC 3207,
 * AUTH per RFC 4954, QUIT): bytes already behind them mean the client is not speaking SMTP, or is smuggling
 * ({@code mustEndGroup}). During a chunked message (RFC 3030) only BDAT, RSET, QUIT and NOOP may come
 * ({@code duringChunking}). DATA, BDAT, STARTTLS, AUTH and QUIT resume the decoder themselves, in the mode
 * the next bytes need ({@code resumesItself}); after any other verb the session reads the next command.
 */
final class SmtpCommandTable {

    record Entry(SmtpCommand command, boolean mustEndGroup, boolean duringChunking, boolean resumesItself) {}

    private static final SmtpCommand NOT_IMPLEMENTED = (s, arg) -> s.error("502 5.5.1 Error: command not implemented");

    private SmtpCommandTable() {}

    //                                            command                 end group  chunking  resumes itself
    static final Map<String, Entry> COMMANDS = Map.ofEntries(
            Map.entry("EHLO",     new Entry(new HelloCommand(true),      true,      false,    false)),
            Map.entry("HELO",     new Entry(new HelloCommand(false),     true,      false,    false)),
            Map.entry("STARTTLS", new Entry(new StartTlsCommand(),       true,      false,    true)),
            Map.entry("AUTH",     new Entry(new AuthCommand(),           true,      false,    true)),
            Map.entry("MAIL",     new Entry(new MailCommand(),           false,     false,    false)),
            Map.entry("RCPT",     new Entry(new RcptCommand(),           false,     false,    false)),
            Map.entry("DATA",     new Entry(new DataCommand(),           true,      false,    true)),
            Map.entry("BDAT",     new Entry(new BdatCommand(),           false,     true,     true)),
            Map.entry("RSET",     new Entry((s, arg) -> {
                                      s.resetTransaction();
                                      s.reply("250 2.0.0 Ok");
                                  },                                     false,     true,     false)),
            Map.entry("NOOP",     new Entry((s, arg) -> s.reply("250 2.0.0 Ok"), false, true, false)),
            Map.entry("QUIT",     new Entry((s, arg) -> s.quit(),        true,      true,     true)),
            Map.entry("VRFY",     new Entry((s, arg) -> s.reply(
                    "252 2.5.2 Cannot VRFY user, but will accept message and attempt delivery"), false, false, false)),
            Map.entry("HELP",     new Entry((s, arg) -> s.reply(
                    "214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS"),
                                                                         false,     false,    false)),
            Map.entry("EXPN",     new Entry(NOT_IMPLEMENTED,             false,     false,    false)),
            Map.entry("TURN",     new Entry(NOT_IMPLEMENTED,             false,     false,    false)),
            Map.entry("ETRN",     new Entry(NOT_IMPLEMENTED,             false,     false,    false)));
}

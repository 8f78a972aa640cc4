package org.mailroom.protocol.smtp;

/**
 * DATA (RFC 5321 section 4.1.1.4): opens the spool and lets the decoder read the message; its chunks go to
 * {@link Spool}, its end to {@link EndOfMessage}.
 */
final class DataCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String arg) {
        if (s.state != SmtpSession.State.MAIL) {
            s.error("503 5.5.1 Error: need RCPT command");
        } else if (s.tx.recipients.isEmpty()) {
            s.error("554 5.5.1 Error: no valid recipients");
        } else if (!arg.isEmpty()) {
            s.error("501 5.5.4 Syntax: DATA");
        } else if (s.tx.binaryMime) {
            s.error("503 5.5.1 Error: BODY=BINARYMIME requires BDAT"); // RFC 3030 section 3
        } else if (Spool.open(s)) {
            s.state = SmtpSession.State.DATA;
            s.reply("354 End data with <CR><LF>.<CR><LF>");
            s.decoder.resume(SmtpDecoder.Mode.DATA, s.settings.maxMessageSize());
            return;
        }
        s.next();
    }
}

package org.mailroom.protocol.smtp;

/**
 * BDAT (RFC 3030): the chunk's octets follow the command at once, so even a refused BDAT is read to its end
 * before the reply; only a BDAT whose size we cannot read ends the session, since we cannot find where its
 * chunk ends. The chunks go to {@link Spool}; the LAST one ends the message through {@link EndOfMessage}.
 */
final class BdatCommand implements SmtpCommand {

    @Override
    public void execute(SmtpSession s, String arg) {
        MailTransaction tx = s.tx;
        String[] parts = arg.trim().split(" +");
        long size;
        try {
            size = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            size = -1;
        }
        boolean last = parts.length == 2 && parts[1].equalsIgnoreCase("LAST");
        if (size < 0 || parts.length > 2 || (parts.length == 2 && !last)) {
            s.fatal("501 5.5.4 Syntax: BDAT size [LAST]; cannot find the end of this chunk, closing");
            return;
        }
        tx.chunkSize = size;
        tx.lastChunk = last;
        tx.chunkRefusal = null;
        if (s.state == SmtpSession.State.MAIL && tx.recipients.isEmpty()) {
            tx.chunkRefusal = "554 5.5.1 Error: no valid recipients";
        } else if (s.state != SmtpSession.State.MAIL && s.state != SmtpSession.State.CHUNKING) {
            tx.chunkRefusal = "503 5.5.1 Error: need RCPT command";
        } else if (s.state == SmtpSession.State.MAIL) {
            if (Spool.open(s)) {
                tx.chunkedSize = 0;
                s.state = SmtpSession.State.CHUNKING;
            } else {
                tx.chunkRefusal = "451 4.3.0 Error: cannot store message now, try again later";
                s.replyDelayMillis = 0;
            }
        }
        if (tx.chunkRefusal == null && tx.chunkedSize + size > s.settings.maxMessageSize()) {
            tx.chunkRefusal = "552 5.3.4 Error: message exceeds fixed limit of " + s.settings.maxMessageSize() + " octets";
        }
        if (size == 0) {
            endOfChunk(s); // nothing to read (BDAT 0 LAST ends a message)
        } else {
            s.decoder.resume(SmtpDecoder.Mode.BDAT, size);
        }
    }

    /** The decoder has handed on the chunk's last octet: answer it, or end the message after LAST. */
    static void endOfChunk(SmtpSession s) {
        MailTransaction tx = s.tx;
        if (tx.chunkRefusal != null) {
            if (s.state == SmtpSession.State.CHUNKING) s.resetTransaction(); // RFC 3030 section 2: a failed chunk ends the message
            s.error(tx.chunkRefusal);
            s.next();
            return;
        }
        tx.chunkedSize += tx.chunkSize;
        if (!tx.lastChunk) {
            s.reply("250 2.0.0 " + tx.chunkSize + " octets received");
            s.next();
            return;
        }
        EndOfMessage.finish(s, tx.chunkedSize, false, false, false);
    }
}
